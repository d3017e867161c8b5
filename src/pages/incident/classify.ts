/**
 * The Classify form's logic, apart from React: which fields the SRE changed (only those are written, so a tag
 * of ours that we cannot read, and did not touch, stays), and how a conflict is resolved field by field.
 * Tags are written by src/core/tags.ts, which keeps every foreign tag.
 */
import { applyClassification, readClassification, type Classification, type TagConflict } from '../../core/tags';
import { categoryById } from '../../core/taxonomy';

type ClassificationField = keyof Classification;
const FIELDS: ClassificationField[] = ['category', 'subcategory', 'severity', 'status', 'team'];

/** What the form starts from: the classification the tags hold. */
export function formFromTags(tags: string[]): Classification {
  return readClassification(tags).classification;
}

/**
 * The fields the form changed against what was loaded, as applyClassification reads them: a changed value, or
 * the key with `undefined` for a cleared one. Fields left alone are absent, so their tags stay as they are.
 */
export function changedFields(loaded: Classification, form: Classification): Classification {
  const changes: Classification = {};
  for (const field of FIELDS) {
    if ((form[field] || undefined) !== (loaded[field] || undefined)) {
      (changes as Record<string, string | undefined>)[field] = form[field] || undefined;
    }
  }
  return changes;
}

/** The tags to write for the form: the loaded tags with the changed fields applied. Throws TagValueError. */
export function tagsForForm(loadedTags: string[], form: Classification): string[] {
  return applyClassification(loadedTags, changedFields(formFromTags(loadedTags), form));
}

/** The form after a category is picked: a sub-category of another category is cleared; "open" becomes "classified". */
export function withCategory(form: Classification, category: Classification['category']): Classification {
  const subcategories = category ? (categoryById(category)?.subcategories ?? []) : [];
  return {
    ...form,
    category,
    subcategory: subcategories.some((s) => s.id === form.subcategory) ? form.subcategory : undefined,
    status: category && (form.status === undefined || form.status === 'open') ? 'classified' : form.status,
  };
}

export type ConflictChoice = 'mine' | 'theirs';

/**
 * The tags to write after a conflict: the merge (which keeps the server's value where both changed a field), with
 * the user's value put back for each field they chose "mine" for. A team is never removed (the codec's rule).
 */
export function resolveConflict(
  merged: string[],
  conflicts: TagConflict[],
  choices: Partial<Record<string, ConflictChoice>>
): string[] {
  let tags = merged;
  for (const conflict of conflicts) {
    if (choices[conflict.field] !== 'mine') {
      continue;
    }
    tags = applyClassification(tags, { [conflict.field]: conflict.mine } as Classification);
  }
  return tags;
}
