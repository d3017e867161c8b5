/**
 * The four built-in runbooks an incident category points to, and how a team's own runbook (a URL or Markdown
 * from the app's settings) replaces one. Pure data and one resolver: the Runbooks page renders them, the
 * taxonomy links categories to them by `RunbookId`, and the incident page deep-links to `#runbook-<id>`.
 *
 * The PromQL in the runbooks uses the metrics contract's default names (src/core/metrics.ts, docs/DESIGN.md); where
 * the app's configuration remaps names, the Runbooks page says which.
 */

import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';
import { type Category } from './taxonomy';

export type RunbookId =
  'model-rollback' | 'retrieval-quarantine' | 'output-distribution-thresholds' | 'injection-surface-audit';

export interface Runbook {
  id: RunbookId;
  title: string;
  /** One sentence: when to open it. */
  summary: string;
  /** The runbook body, Markdown (GFM). Rendered through Grafana's sanitising renderMarkdown. */
  markdown: string;
}

/** A team's replacement for a built-in runbook, as stored in the app's jsonData. */
export interface RunbookOverride {
  url?: string;
  markdown?: string;
}

export type RunbookOverrides = Partial<Record<RunbookId, RunbookOverride>>;

export type ResolvedRunbook =
  { kind: 'builtin'; runbook: Runbook } | { kind: 'url'; url: string } | { kind: 'markdown'; markdown: string };

const MODEL_ROLLBACK = `
Use when responses shifted after a deployment or a provider-side change: refusals, semantic similarity,
confidence or response length moved, and \`llm_build_info\` shows a new \`model\`, \`response_model\` or
\`prompt_version\` in or just before the incident window.

### 1. Confirm the shift and who it hits

Refusal rate by model over the last hour, against the same hour a day earlier:

\`\`\`promql
sum by (model) (increase(llm_requests_total{outcome="refused", service="<service>"}[1h]))
  / sum by (model) (increase(llm_requests_total{service="<service>"}[1h]))
\`\`\`

Median semantic similarity (lower is worse) by model:

\`\`\`promql
histogram_quantile(0.5, sum by (le, model) (rate(llm_response_semantic_similarity_bucket{service="<service>"}[15m])))
\`\`\`

Use the app's incident page (or the impact panel) for the window: it tells a real regression from noise
(Wilson interval, z-test, PSI, Benjamini–Hochberg) and writes the numbers for the postmortem.

### 2. Find what changed

Every model / provider-returned model / prompt version seen in the last 6 hours:

\`\`\`promql
group by (endpoint, model, response_model, prompt_version) (max_over_time(llm_build_info{service="<service>"}[6h]))
\`\`\`

- **\`model\` or \`prompt_version\` changed** in or just before the window: your deployment. Roll it back (step 3).
- **Only \`response_model\` changed** (same requested name, new dated snapshot): a provider-side update.
  Pin the previous dated snapshot explicitly (for example \`gpt-4o-2024-08-06\` instead of \`gpt-4o\`) and
  classify as \`model-degradation\`.
- **Nothing changed**: do not roll back blindly. Check the retrieval and infrastructure signals first; the
  cause may be upstream of the model (classify as \`undetermined\` until it is known).

### 3. Roll back

1. Announce in the incident channel: what you roll back, from which version to which, and why (link the
   incident page).
2. Revert the model or prompt version in the serving config (feature flag, config map or gateway route),
   not by a new code change. If the previous version is gone from the provider, fall back to the last
   pinned snapshot that is still served.
3. Shift traffic in steps where you can (5% → 25% → 100%), watching the queries above for 10 minutes each.
4. Keep the new version deployable behind a flag for the fix-forward investigation.

**Abort** the rollback if the error or timeout rate rises on the old version (the old model may be
deprecated or rate-limited):

\`\`\`promql
sum by (outcome) (rate(llm_requests_total{outcome=~"error|timeout", service="<service>"}[5m]))
\`\`\`

### 4. Verify

- The \`llm_build_info\` query shows the old version on every instance.
- Refusal rate and similarity median are back within the baseline's 95% interval (the incident page shows it)
  for at least 30 minutes, at normal traffic.
- No new verdict above \`investigate\` on the impact panel for the time since the rollback.

### 5. Close out

- Set the incident annotation's end at the moment the rollback completed and classify it
  (\`ai-category:model-degradation\`, or \`prompt\` only when a prompt version change was the cause).
- Export the impact section from the incident page into the postmortem.
- File the follow-up: evaluation gates for the change that slipped through (offline eval set, canary SLOs).
`;

const RETRIEVAL_QUARANTINE = `
Use when answers degrade because of what retrieval returns: empty or failed retrievals rose, retrieval
latency rose, or similarity dropped right after an ingestion run, an index rebuild or an embedding model
change. Quarantine isolates the suspect index or documents so the model stops reading them.

### 1. Confirm retrieval is the cause

Share of empty or failed retrievals, by endpoint:

\`\`\`promql
sum by (endpoint) (increase(rag_retrievals_total{result=~"empty|error|timeout", service="<service>"}[30m]))
  / sum by (endpoint) (increase(rag_retrievals_total{service="<service>"}[30m]))
\`\`\`

Retrieval latency p95 (timeouts here show up as errors downstream):

\`\`\`promql
histogram_quantile(0.95, sum by (le, endpoint) (rate(rag_retrieval_duration_seconds_bucket{service="<service>"}[5m])))
\`\`\`

Indirect prompt injection arriving through documents:

\`\`\`promql
sum by (endpoint) (increase(llm_injection_detections_total{source="retrieved", service="<service>"}[30m]))
\`\`\`

If detections from \`source="retrieved"\` rose, treat the corpus as hostile: follow this runbook **and** the
injection surface audit checklist.

### 2. Identify the suspect

- Which ingestion runs, index rebuilds or re-embeddings finished in or just before the window? (pipeline logs,
  index alias history)
- Did the **query-side** embedding model change while stored vectors were built with the old one? Mixed
  embedding spaces make every similarity score meaningless; that is an embedding change, not stale data.
- Did the knowledge-base schema change (renamed fields, new chunking) so that filters now match nothing?

### 3. Quarantine

Pick the narrowest action that stops the harm:

1. **Index alias rollback**: point the retriever's alias back at the previous index snapshot (blue/green
   indexes). Fastest and fully reversible; needs the old snapshot retained.
2. **Document quarantine**: exclude the suspect ingestion batch by metadata filter (\`ingest_run_id\`,
   \`source\`, \`updated_at\`) at query time. Use when one batch or source is bad.
3. **Degrade gracefully**: serve answers without retrieval, with a visible notice, for the affected endpoints
   only. Use when no known-good index exists.
4. Pause the ingestion pipeline so the next run does not re-poison the index.

Record what you quarantined (index name, batch ids, filter) in the incident annotation text.

### 4. Verify

- Empty/failed retrieval share and retrieval p95 back within baseline for 30 minutes.
- Semantic similarity median back within baseline (the incident page shows the interval).
- Injection detections from \`source="retrieved"\` back to baseline.

### 5. Release the quarantine

Only after the root cause is fixed (re-embedded with the right model, schema fixed, hostile documents removed):
rebuild into a new index, compare it offline against the golden query set, then switch the alias and watch
step 4's queries for an hour. Classify the incident \`data-retrieval\` (or \`infrastructure\` when the vector
store itself was slow or down).
`;

const OUTPUT_DISTRIBUTION_THRESHOLDS = `
Use when setting or tuning the investigate/page thresholds on output distributions (semantic similarity,
confidence, response length, latency, agent steps), or when an alert on them was noisy or missed an incident.

### How a verdict is reached

- **Proportions** (refusals, errors, empty retrievals, injections, tool errors): \`investigate\` at a ≥ 5%
  relative regression, \`page\` at ≥ 30%, in the bad direction only.
- **Distributions**: \`page\` when PSI ≥ 0.25 or the headline quantile regressed ≥ 30%; \`investigate\` when
  PSI ≥ 0.1 or it regressed ≥ 5%. Headline quantile: p95 where higher is worse (latency, agent steps), p50
  where lower is worse (similarity, confidence); response length is judged both ways.
- A verdict also needs significance against the traffic's own noise (the dispersion measured on past
  windows of the same length), after Benjamini–Yekutieli across the report: q < 0.05 to investigate,
  q < 0.01 to page; and the minimum volume in window and baseline (default 100); below it the verdict is
  \`insufficient_data\`, never a guess. A change the noise does not let the report call is listed as
  "too noisy to call".

The same thresholds drive the app's pages; the panel has its own options, and the bundled alert rules have
theirs. Change all three together.

### 1. Look at the distribution before choosing a number

p50 and p95 of similarity over the last 7 days, hourly:

\`\`\`promql
histogram_quantile(0.5, sum by (le) (rate(llm_response_semantic_similarity_bucket{service="<service>", endpoint="<endpoint>"}[1h])))
histogram_quantile(0.95, sum by (le) (rate(llm_response_semantic_similarity_bucket{service="<service>", endpoint="<endpoint>"}[1h])))
\`\`\`

Response length p50 (output tokens, two-sided):

\`\`\`promql
histogram_quantile(0.5, sum by (le) (rate(gen_ai_client_token_usage_bucket{gen_ai_token_type="output", service="<service>"}[1h])))
\`\`\`

Volume per hour, to choose the minimum volume:

\`\`\`promql
sum by (endpoint) (increase(llm_response_semantic_similarity_count{service="<service>"}[1h]))
\`\`\`

### 2. Choose

- **Investigate** should fire on a shift you would look at in working hours; **page** only on one that hurts
  users now. Start at the defaults; do not lower \`page\` below 2 × the week's normal hour-to-hour swing of the
  headline quantile, or it pages on daily seasonality.
- **PSI** 0.1 / 0.25 are the conventional "moderate" / "major" shift levels. Coarse histograms (few buckets)
  hide shifts: add buckets where the distribution lives (similarity: 0.5–1.0 in steps of 0.05).
- **Minimum volume**: at least the requests of a quiet hour for the endpoint; lower values make small endpoints
  flap between \`ok\` and \`page\`.
- **False discovery rates**: keep 0.05 (investigate) and 0.01 (page); the page rate is what keeps quiet hours
  from paging on over-dispersed traffic.

### 3. Test the choice on history

Open the incident page (or the impact panel) for the last three incidents and three quiet days: each incident
should reach at least \`investigate\`, each quiet day stay \`ok\`. Adjust and repeat.

### 4. Apply

- App pages: Administration → Plugins → AI Reliability → Configuration → Thresholds.
- Impact panels: the panel's "Verdict thresholds" options on each bundled dashboard.
- Alert rules: the generated Grafana-managed rules; use multi-window burn rates (1h and 6h) for paging so one
  bad minute does not page.

Classify alert noise found this way as \`configuration\`, and note the old and new thresholds in the annotation.
`;

const INJECTION_SURFACE_AUDIT = `
Use after injection detections rose, a jailbreak or data leak was reported, or an agent did something it was
not asked to. Work through every item; record "n/a" with a reason rather than skipping one. Items map to the
OWASP Top 10 for LLM Applications (2025) and MITRE ATLAS.

### 1. Measure the surface

Detections by source (user input, retrieved documents, tool output) per request:

\`\`\`promql
sum by (source) (increase(llm_injection_detections_total{service="<service>"}[1h]))
  / scalar(sum(increase(llm_requests_total{service="<service>"}[1h])))
\`\`\`

Tool call error rate (agents probing tools they should not reach):

\`\`\`promql
sum by (endpoint) (increase(agent_tool_calls_total{status="error", service="<service>"}[1h]))
  / sum by (endpoint) (increase(agent_tool_calls_total{service="<service>"}[1h]))
\`\`\`

Agent steps p95 (runaway loops after a hijack):

\`\`\`promql
histogram_quantile(0.95, sum by (le, endpoint) (rate(agent_steps_bucket{service="<service>"}[15m])))
\`\`\`

### 2. Checklist

**Prompt injection: OWASP LLM01, ATLAS AML.T0051 (LLM Prompt Injection)**

- [ ] Direct injection: system prompt and user input are separate messages; user text is never concatenated
      into instructions.
- [ ] Indirect injection: retrieved documents, web pages, e-mails and tool output are marked as data (delimited,
      attributed) and never given instruction authority.
- [ ] An injection classifier runs on user input **and** on retrieved and tool content, and its detections are
      exported as \`llm_injection_detections_total{source=…}\`.
- [ ] Sample the detections of the incident window by source and confirm true positives.

**Jailbreak: ATLAS AML.T0054 (LLM Jailbreak)**

- [ ] Refusal-rate drops on sensitive endpoints are alerted on as well as rises (a sudden drop can mean the
      guardrails were talked around).
- [ ] The red-team prompt set (role-play, encoding, many-shot, multi-language) was re-run against the current
      model and prompt version.
- [ ] Output moderation runs after generation, independent of the model's own refusals.

**Sensitive information disclosure: OWASP LLM02, ATLAS AML.T0057 (LLM Data Leakage)**

- [ ] No secrets, credentials or internal URLs in system prompts, retrieved corpora or tool descriptions.
- [ ] Retrieval enforces the caller's access rights (per-tenant or per-user filters at query time, not in the
      prompt).
- [ ] Output filters for PII and secrets are on for every endpoint, with their hits counted.
- [ ] Logs and traces of the window were checked for leaked data, and their retention follows policy.

**Excessive agency: OWASP LLM06**

- [ ] Each tool has the least privilege it needs (read-only where possible, scoped tokens, no shared admin keys).
- [ ] Irreversible actions (payments, deletes, outbound e-mail) need a human confirmation.
- [ ] Agent step and tool-call budgets are enforced, and the \`agent_steps\` p95 stays under them.

**System prompt leakage: OWASP LLM07**

- [ ] The system prompt holds no secret and no security control that only works while it stays hidden.
- [ ] Responses are scanned for verbatim fragments of the system prompt.

**RAG poisoning: ATLAS AML.T0070 (RAG Poisoning)**

- [ ] Every document in the index has a known source and ingestion run; untrusted sources are isolated in
      their own index or namespace.
- [ ] Documents ingested in the window were diffed against the previous run; unexpected instruction-like text
      was quarantined (see the retrieval quarantine runbook).

### 3. Close out

- Classify the incident \`security-surface\` with the sub-category (direct/indirect injection, jailbreak,
  data leakage) and link this checklist's completed copy in the annotation text.
- Report a confirmed data leak to the security and privacy teams the same day; it may be notifiable.
`;

export const RUNBOOKS: readonly Runbook[] = [
  {
    id: 'model-rollback',
    title: 'Model rollback',
    summary:
      'Responses shifted after a model, provider snapshot or prompt version change: confirm, find the change, roll it back, verify.',
    markdown: MODEL_ROLLBACK.trim(),
  },
  {
    id: 'retrieval-quarantine',
    title: 'Retrieval quarantine',
    summary:
      'Answers degraded because of what retrieval returns (stale or poisoned corpus, schema drift, embedding change): isolate the suspect index or documents.',
    markdown: RETRIEVAL_QUARANTINE.trim(),
  },
  {
    id: 'output-distribution-thresholds',
    title: 'Output distribution alert thresholds',
    summary:
      'Setting or tuning investigate/page thresholds on similarity, confidence, length and latency distributions, after a noisy or missed alert.',
    markdown: OUTPUT_DISTRIBUTION_THRESHOLDS.trim(),
  },
  {
    id: 'injection-surface-audit',
    title: 'Injection surface audit checklist',
    summary:
      'After injection detections, a jailbreak or a data leak: audit the prompt-injection surface (OWASP LLM01/02/06/07, MITRE ATLAS AML.T0051/T0054/T0057/T0070).',
    markdown: INJECTION_SURFACE_AUDIT.trim(),
  },
];

/** Anchor ids on the Runbooks page, for deep links from an incident (`/a/<app>/runbooks#runbook-model-rollback`). */
export const runbookAnchor = (id: RunbookId): string => `runbook-${id}`;
export const categoryAnchor = (categoryId: string): string => `category-${categoryId}`;

/**
 * The Runbooks page's entry for a category: its runbook, or its investigation path when it has none. A path on
 * the Grafana server, as the app's own links are; the alert rules' runbook_url and the incident page link here.
 */
export function runbookPath(category: Pick<Category, 'id' | 'runbook'>): string {
  const anchor = category.runbook ? runbookAnchor(category.runbook) : categoryAnchor(category.id);
  return `${prefixRoute(ROUTES.Runbooks)}#${anchor}`;
}

export const RUNBOOK_IDS: readonly RunbookId[] = RUNBOOKS.map((r) => r.id);

export function isRunbookId(value: unknown): value is RunbookId {
  return typeof value === 'string' && (RUNBOOK_IDS as readonly string[]).includes(value);
}

/** The built-in runbook with this id. */
export function builtinRunbook(id: RunbookId): Runbook {
  const runbook = RUNBOOKS.find((r) => r.id === id);
  if (!runbook) {
    throw new Error(`no built-in runbook '${id}'`);
  }
  return runbook;
}

/**
 * True for an absolute http(s) URL. Anything else (javascript:, data:, file:, relative paths) is refused: a
 * runbook link is followed during an incident, and must not run code or point into the page itself.
 */
export function isSafeRunbookUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
}

/**
 * What to show for a runbook: the team's URL, else the team's Markdown, else the built-in one. An override
 * that fails validation (an unsafe URL, blank text) falls back to the built-in runbook rather than to nothing.
 */
export function resolveRunbook(id: RunbookId, overrides: RunbookOverrides | undefined): ResolvedRunbook {
  const override = overrides?.[id];
  const url = typeof override?.url === 'string' ? override.url.trim() : '';
  if (url && isSafeRunbookUrl(url)) {
    return { kind: 'url', url };
  }
  const markdown = typeof override?.markdown === 'string' ? override.markdown : '';
  if (markdown.trim()) {
    return { kind: 'markdown', markdown };
  }
  return { kind: 'builtin', runbook: builtinRunbook(id) };
}
