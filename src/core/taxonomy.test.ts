/** The taxonomy's ids are what annotation tags store: they must be well-formed, unique, and cover the simulator's. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SCENARIOS } from '../simulator/scenario';
import { SLI_DEFINITIONS } from './metrics';
import { applyClassification, readClassification } from './tags';
import { CATEGORIES, categoryById, RUNBOOK_TITLES } from './taxonomy';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

test('category and sub-category ids are kebab-case and unique', () => {
  const categoryIds = CATEGORIES.map((c) => c.id);
  expect(new Set(categoryIds).size).toBe(categoryIds.length);
  const subcategoryIds = CATEGORIES.flatMap((c) => c.subcategories.map((s) => s.id));
  expect(new Set(subcategoryIds).size).toBe(subcategoryIds.length);
  for (const id of [...categoryIds, ...subcategoryIds]) {
    expect(id).toMatch(KEBAB);
  }
});

test('every sub-category round-trips through the annotation tags', () => {
  for (const category of CATEGORIES) {
    for (const subcategory of category.subcategories) {
      const tags = applyClassification([], { category: category.id, subcategory: subcategory.id });
      expect(readClassification(tags).classification).toEqual({ category: category.id, subcategory: subcategory.id });
    }
  }
});

test("the simulator's incidents are each a sub-category of their own category", () => {
  const incidents = Object.values(SCENARIOS).flatMap((scenario) => scenario.incidents);
  expect(incidents.length).toBeGreaterThan(0);
  for (const incident of incidents) {
    const category = categoryById(incident.category);
    expect(category?.subcategories.map((s) => s.id)).toContain(incident.subcategory);
  }
});

test('signals are SLIs of the metrics contract; runbooks are built-in ones; every category says how to investigate', () => {
  const slis = SLI_DEFINITIONS.map((d) => d.id);
  for (const category of CATEGORIES) {
    expect(slis).toEqual(expect.arrayContaining(category.signals));
    if (category.runbook !== null) {
      expect(Object.keys(RUNBOOK_TITLES)).toContain(category.runbook);
    }
    expect(category.investigationPath.length).toBeGreaterThan(0);
  }
  // Each built-in runbook is implied by some category.
  expect(new Set(CATEGORIES.map((c) => c.runbook).filter(Boolean))).toEqual(new Set(Object.keys(RUNBOOK_TITLES)));
});

test('categoryById finds known ids only', () => {
  expect(categoryById('prompt')?.title).toBe('Prompt');
  expect(categoryById('Prompt')).toBeUndefined();
  expect(categoryById('toString')).toBeUndefined();
});

test('docs/taxonomy.md lists every category and sub-category', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'taxonomy.md'), 'utf8');
  for (const category of CATEGORIES) {
    for (const id of [category.id, ...category.subcategories.map((s) => s.id)]) {
      expect(doc).toContain(`\`${id}\``);
    }
  }
});
