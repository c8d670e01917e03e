// SPDX-License-Identifier: Apache-2.0
import { afterEach, describe, expect, it } from "vitest";
import { collectTrailView } from "../../src/report/collect.js";
import { escapeHtml, html, trusted } from "../../src/report/html.js";
import { renderPage } from "../../src/report/page.js";
import { expandPaths } from "../../src/trail/paths.js";
import { removeTempDirs, tempDir } from "../cli.js";
import { writeReviewTrail, writeStandardTrail } from "../scenario.js";

afterEach(removeTempDirs);

async function page(write: (dir: string) => Promise<unknown>, live?: { fingerprint: string }): Promise<string> {
  const dir = tempDir();
  await write(dir);
  return renderPage(await collectTrailView([dir], await expandPaths([dir])), { live });
}

describe("html", () => {
  it("escapes every interpolated value and keeps markup it made", () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<b title="${name}">${name}</b>${html`<i>${1}</i>`}${[undefined, null, false, "a", ["<", 2n]]}`.text).toBe(
      `<b title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b><i>1</i>a&lt;2`,
    );
    expect(escapeHtml("a & b")).toBe("a &amp; b");
    expect(html`${trusted("<hr>")}`.text).toBe("<hr>");
  });
});

describe("renderPage", () => {
  it("is one self-contained document: nothing loaded, one script and one style sheet, both under the page's nonce", async () => {
    const text = await page(writeReviewTrail);
    // Attribute text: the quotes are written as &#39;.
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(text)?.[1]?.replaceAll("&#39;", "'");
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? "")?.[1];
    expect(csp).toBe(
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; style-src-attr 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'`,
    );
    expect(text.match(/<script\b[^>]*>/g)).toEqual([`<script nonce="${nonce}">`]);
    expect(text.match(/<style\b[^>]*>/g)).toEqual([`<style nonce="${nonce}">`]);
    // (The trail's own text, escaped, may say anything: only tags count.)
    for (const outside of [/<link\b/i, /<[a-z][^>]*\s(src|href|action)=/i, /@import/i, /url\(/i, /<(iframe|img|object|embed)\b/i, /<[^>]*https?:\/\//i]) expect(text).not.toMatch(outside);
  });

  it("shows trail text as text: a payload with markup cannot become markup", async () => {
    const text = await page(writeReviewTrail);
    expect(text).toContain("&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;");
    expect(text).not.toContain("<img src=x");
    expect(text).not.toContain("onerror=alert(1)>");
  });

  it("puts the verdict on top: failed with what failed, or verified, and whether the trail is signed", async () => {
    const failed = await page(writeReviewTrail);
    expect(failed).toContain('<section id="verify" class="banner failed" data-verdict="failed"');
    expect(failed).toContain("<h2>Verification failed</h2>");
    expect(failed).toContain('<li>run 019ab3c6-0000-7000-8000-00000000cccc (chain &quot;triage&quot;) started at ');
    expect(failed).toContain('data-signed="no"');
    expect(failed).toContain("<title>Audit trail · ");

    const ok = await page(writeStandardTrail);
    expect(ok).toContain('<section id="verify" class="banner ok" data-verdict="ok"');
    expect(ok).toContain("15 records in 2 chains of 1 process; audit.seq complete from 1, every audit.hash checks, every run that started ended.");
  });

  it("asks for the fingerprint only when served live", async () => {
    expect(await page(writeStandardTrail)).toContain('<body data-live="0" data-fingerprint="">');
    expect(await page(writeStandardTrail, { fingerprint: "abc" })).toContain('<body data-live="1" data-fingerprint="abc">');
  });
});
