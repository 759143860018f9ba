/**
 * How Docker Desktop's bridge treats the `args` of a NON-stream `ddClient.docker.cli.exec` call: it joins
 * them into one command line and splits that line again with shell-like quoting. Stream calls pass `args`
 * verbatim. Dockbase's Desktop adapter therefore uses stream calls only; this function exists so tests and
 * the standalone host reproduce the quirk faithfully. (Docker's own extension docs pass `'"{{json .}}"'`, with
 * inner quotes, to non-stream calls for this reason; an open SDK report notes that stream calls do not
 * process quotes at all.)
 *
 * Splitting rules (POSIX-shell-like, without expansion): whitespace separates words; single quotes keep
 * everything literally; double quotes keep everything but let a backslash escape `"`, `\\`, `$` and a
 * backtick; outside quotes a backslash escapes the next character.
 */
export function resplitLikeDesktop(args: readonly string[]): string[] {
  return splitCommandLine(args.join(' '));
}

export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) word += line[++i];
      else word += c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < line.length) word += line[++i];
    else word += c;
  }
  if (inWord) words.push(word);
  return words;
}
