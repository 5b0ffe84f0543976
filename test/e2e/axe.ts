import { readFileSync } from 'node:fs';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/** axe-core's browser build, read once; injected into each page checked. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * WCAG 2.1 A/AA and axe's best-practice rules: the level the issue holds the
 * apps to (axe finds nothing on the back office, sign-in pages score 100).
 */
const RUN_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
};

/** One line per failing element, so a failed test names the rule, its impact and where. */
function describeViolations(violations: Result[]): string {
  return violations
    .flatMap((v) => v.nodes.map((n) => `${v.impact ?? 'unknown'} ${v.id}: ${v.help} — ${n.target.join(' ')}\n    ${n.failureSummary ?? ''}`))
    .join('\n');
}

/**
 * Runs axe-core on the page as it is now and fails with the list of
 * violations. `context` names the page in the failure message. The source is
 * evaluated through the DevTools protocol, which the apps' strict CSP (no
 * inline scripts) does not block, so the page is checked under its real CSP.
 */
export async function expectNoAxeViolations(page: Page, context = page.url()): Promise<void> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  // A string expression: the test code has no DOM types, the page has axe.
  const results = (await page.evaluate(`axe.run(document, ${JSON.stringify(RUN_OPTIONS)})`)) as AxeResults;
  if (results.violations.length > 0) {
    throw new Error(`axe found ${results.violations.length} rule(s) broken on ${context}:\n${describeViolations(results.violations)}`);
  }
}
