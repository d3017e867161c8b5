/**
 * The incident taxonomy (docs/DESIGN.md "Incident taxonomy"): the categories an SRE classifies an AI incident
 * into, their sub-categories, the SLIs that suggest each one, the runbook it implies and the order in which
 * to investigate. Ids are what the annotation tags store (`ai-category:<id>`, `ai-subcategory:<id>`), so
 * they never change once shipped; titles and descriptions may.
 */
import { RUNBOOKS, type RunbookId } from './runbooks';
import { type SliId } from './metrics';

export type CategoryId =
  | 'infrastructure'
  | 'configuration'
  | 'data-retrieval'
  | 'model-degradation'
  | 'agentic-coordination'
  | 'security-surface'
  | 'prompt'
  | 'undetermined';

export type { RunbookId };

/** Each built-in runbook's title, for links from a category (the runbooks themselves live in ./runbooks). */
export const RUNBOOK_TITLES: Readonly<Record<RunbookId, string>> = Object.fromEntries(
  RUNBOOKS.map((runbook) => [runbook.id, runbook.title])
) as Record<RunbookId, string>;

interface Subcategory {
  /** kebab-case, stored in `ai-subcategory:<id>`. */
  id: string;
  title: string;
  description: string;
}

export interface Category {
  id: CategoryId;
  title: string;
  description: string;
  subcategories: Subcategory[];
  /** The SLIs whose regression points at this category (shown as the evidence to look at first). */
  signals: SliId[];
  /** The runbook the category implies; null where none of the built-in ones applies. */
  runbook: RunbookId | null;
  /** Ordered steps, plain text. */
  investigationPath: string[];
  /** Public catalogues the category maps to (OWASP Top 10 for LLM Applications 2025, MITRE ATLAS). */
  references?: string[];
}

export const CATEGORIES: readonly Category[] = [
  {
    id: 'infrastructure',
    title: 'Infrastructure',
    description:
      'The model or a dependency was unavailable, slow or out of capacity: the answers that came back were fine, too few of them came back in time.',
    subcategories: [
      {
        id: 'inference-dependency-coupling',
        title: 'Inference/dependency coupling',
        description: 'A slow or failing dependency (gateway, cache, vector store) stalls or fails model calls.',
      },
      {
        id: 'provider-outage',
        title: 'Provider outage',
        description: "The model provider's capacity incident or outage: errors, timeouts and slow calls.",
      },
      {
        id: 'provider-quota',
        title: 'Provider quota or rate limit',
        description: 'Requests rejected or throttled because a quota or rate limit was reached.',
      },
      {
        id: 'context-window-exhaustion',
        title: 'Context-window exhaustion',
        description: 'Inputs grew past the context window: truncated prompts or answers, or rejected requests.',
      },
      {
        id: 'retrieval-timeouts',
        title: 'Retrieval timeouts',
        description: 'The retrieval backend is slow or timing out, so answers are late or ungrounded.',
      },
    ],
    signals: ['error_rate', 'timeout_rate', 'model_latency', 'retrieval_latency'],
    runbook: null,
    investigationPath: [
      "Check the provider's status page and the gateway's error codes (5xx, 429) for the window.",
      'Compare model latency and timeouts across endpoints and models: one provider, or everything?',
      'Check retrieval latency and the vector store, cache and gateway the calls depend on.',
      'Look for quota or rate-limit responses and for inputs near the context window.',
      'Mitigate: fail over to another region, provider or model, shed load, or raise the quota.',
    ],
  },
  {
    id: 'configuration',
    title: 'Configuration',
    description:
      'How the model is called changed: inference parameters, the requested model, the tokenizer or chat template, or the API request shape.',
    subcategories: [
      {
        id: 'inference-parameters',
        title: 'Inference parameters',
        description: 'Temperature, max tokens, stop sequences or another sampling parameter changed.',
      },
      {
        id: 'tokenizer-chat-template',
        title: 'Tokenizer or chat template',
        description: 'A tokenizer or chat template that does not match the model garbles input or output.',
      },
      {
        id: 'api-schema-misuse',
        title: 'API or schema misuse',
        description: 'Requests that do not follow the provider API or the expected structured-output schema.',
      },
    ],
    signals: ['error_rate', 'response_length'],
    runbook: 'model-rollback',
    investigationPath: [
      'List the deployments in and just before the window: the requested model, parameters, client library.',
      'Diff the inference parameters and chat template against the last good build.',
      'Check provider error responses for rejected parameters or schema violations.',
      'Roll back the configuration change and confirm the SLIs return to the baseline.',
    ],
  },
  {
    id: 'data-retrieval',
    title: 'Data and retrieval',
    description:
      'The model answered from the wrong context: the corpus, the knowledge-base schema or the stored vectors no longer fit the queries.',
    subcategories: [
      {
        id: 'stale-corpus',
        title: 'Stale corpus',
        description: 'The indexed documents are out of date or a sync stopped.',
      },
      {
        id: 'kb-schema-drift',
        title: 'Knowledge-base schema drift',
        description: 'A re-index or upstream change altered the document schema the retriever relies on.',
      },
      {
        id: 'embedding-model-change',
        title: 'Embedding model change',
        description: 'Query embeddings come from another model than the stored vectors, so similarity search misses.',
      },
    ],
    signals: ['empty_retrieval_rate', 'semantic_similarity', 'retrieval_latency'],
    runbook: 'retrieval-quarantine',
    investigationPath: [
      'Check empty and failed retrievals per endpoint and when they started.',
      'Look at the last index build, sync and schema migration before the window.',
      'Compare the embedding model of the query path with the one that built the stored vectors.',
      'Quarantine the suspect documents or index version and serve the last good one.',
    ],
  },
  {
    id: 'model-degradation',
    title: 'Model degradation',
    description:
      'The same request to the same model name behaves differently: new weights behind the name, drifting inputs, or a shifted embedding space.',
    subcategories: [
      {
        id: 'provider-model-update',
        title: 'Provider-side model update',
        description: 'The provider serves new weights under the same model name (the response_model changes).',
      },
      {
        id: 'concept-drift',
        title: 'Concept drift',
        description: 'What users ask has moved away from what the model and reference set were tuned on.',
      },
      {
        id: 'embedding-space-change',
        title: 'Embedding space change',
        description: 'The embedding model used for scoring or retrieval moved, so similarities shift.',
      },
    ],
    signals: ['semantic_similarity', 'confidence', 'response_length'],
    runbook: 'model-rollback',
    investigationPath: [
      'Check for a response_model change with no deployment of ours (the provider moved the alias).',
      'Compare the similarity, confidence and length distributions before and after the change.',
      'Pin the dated model version that was answering before, and confirm the SLIs recover.',
      'With no response_model change, compare recent inputs with the reference set for concept drift.',
    ],
  },
  {
    id: 'agentic-coordination',
    title: 'Agentic coordination',
    description:
      'An agent, the orchestration between agents, or the runtime mishandled a step: loops, retries, bad state passed on.',
    subcategories: [
      {
        id: 'agent-level',
        title: 'Agent level',
        description: 'One agent misuses a tool or loops on retries (a tool changed its schema, for instance).',
      },
      {
        id: 'structure-level',
        title: 'Structure level',
        description: 'The orchestration passed bad or incomplete state between agents or steps.',
      },
      {
        id: 'platform-level',
        title: 'Platform level',
        description: 'The agent runtime mishandled partial results, cancellations or timeouts.',
      },
    ],
    signals: ['agent_steps', 'tool_error_rate'],
    runbook: null,
    investigationPath: [
      'Find the tools whose error rate rose, and the step counts of the runs that failed.',
      'Check for tool schema or API changes and for retry loops in the agent traces.',
      'Check what state the orchestration passed between steps in the failing runs.',
      'Cap steps and retries, and disable or roll back the changed tool until it is fixed.',
    ],
  },
  {
    id: 'security-surface',
    title: 'Security surface',
    description:
      'Someone is steering the model: direct or indirect prompt injection, jailbreaks, or data leaking out through answers.',
    subcategories: [
      {
        id: 'direct-prompt-injection',
        title: 'Direct prompt injection',
        description: 'Instructions in user input that override the system prompt.',
      },
      {
        id: 'indirect-prompt-injection',
        title: 'Indirect prompt injection',
        description: 'Instructions planted in retrieved documents or tool results.',
      },
      {
        id: 'jailbreak',
        title: 'Jailbreak',
        description: "Inputs crafted to bypass the model's safety behaviour.",
      },
      {
        id: 'data-leakage',
        title: 'Data leakage',
        description: "Answers that expose the system prompt, other users' data or secrets.",
      },
    ],
    signals: ['injection_rate'],
    runbook: 'injection-surface-audit',
    investigationPath: [
      'Split injection detections by source (user, retrieved, tool) and find where they started.',
      'For retrieved or tool sources, find the documents or tools that carry the injected text.',
      'Quarantine poisoned content and check answers in the window for leaked data.',
      'Walk the injection surface audit checklist before closing.',
    ],
    references: [
      'OWASP LLM01:2025 Prompt Injection',
      'OWASP LLM02:2025 Sensitive Information Disclosure',
      'OWASP LLM06:2025 Excessive Agency',
      'OWASP LLM07:2025 System Prompt Leakage',
      'MITRE ATLAS AML.T0051 LLM Prompt Injection',
      'MITRE ATLAS AML.T0054 LLM Jailbreak',
      'MITRE ATLAS AML.T0057 LLM Data Leakage',
      'MITRE ATLAS AML.T0070 RAG Poisoning',
    ],
  },
  {
    id: 'prompt',
    title: 'Prompt',
    description:
      'A fault a prompt change really caused or really fixes. Only with a prompt_version change: "tweaked the prompt" is not a root cause by itself.',
    subcategories: [
      {
        id: 'over-refusal',
        title: 'Over-refusal',
        description: 'The prompt makes the model refuse requests it should answer.',
      },
      {
        id: 'instruction-regression',
        title: 'Instruction regression',
        description: 'The prompt drops or contradicts instructions the answers relied on.',
      },
      {
        id: 'format-regression',
        title: 'Format regression',
        description: 'Answers lose the structure or length the prompt used to produce.',
      },
    ],
    signals: ['refusal_rate', 'semantic_similarity', 'confidence', 'response_length'],
    runbook: 'model-rollback',
    investigationPath: [
      'Confirm a prompt_version change in or just before the window, and nothing else changed.',
      'Diff the prompt versions and compare answers to the same inputs under both.',
      'Roll back to the last good prompt version, then ship the corrected one.',
    ],
  },
  {
    id: 'undetermined',
    title: 'Undetermined',
    description:
      'No clean root cause. Documented honestly, with the evidence there is, rather than forced into another category.',
    subcategories: [
      {
        id: 'insufficient-evidence',
        title: 'Insufficient evidence',
        description: 'Too little data or too small a shift to attribute.',
      },
      {
        id: 'multiple-causes',
        title: 'Multiple causes',
        description: 'Several changes overlap and cannot be separated.',
      },
      {
        id: 'unexplained',
        title: 'Unexplained',
        description: 'The shift is real and no change or dependency explains it.',
      },
    ],
    signals: [],
    runbook: 'output-distribution-thresholds',
    investigationPath: [
      'Write down what shifted and what was ruled out.',
      'Set output distribution alert thresholds so a recurrence is caught early.',
      'Revisit the classification when it recurs.',
    ],
  },
];

export function categoryById(id: string): Category | undefined {
  return CATEGORIES.find((category) => category.id === id);
}

export function isCategoryId(id: string): id is CategoryId {
  return categoryById(id) !== undefined;
}
