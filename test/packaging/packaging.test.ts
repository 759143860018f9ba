/**
 * The packaging for Docker Desktop and the Extensions Marketplace, checked statically: no image is built.
 * Needs the UI build (ui/dist), which `npm test` makes before the tests run (or `npm run build -w ui`).
 * DOCKBASE_PACKAGING_ROOT points the first group at another copy of the project (to try a broken file).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkCompose,
  checkCsp,
  checkDockerignore,
  checkIcon,
  checkImageLayout,
  checkLabels,
  checkMakefile,
  checkMetadata,
  checkUiBuild,
  dockerIgnoreMatcher,
  parseDockerfile,
  parseYaml,
  projectAt,
  splitWords,
  withFiles,
  type Project,
} from './packaging-checks';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const project = projectAt(process.env.DOCKBASE_PACKAGING_ROOT ?? repoRoot);

describe('packaging', () => {
  it('metadata.json names an icon, a compose file, the backend socket and a dashboard tab', () => {
    expect(checkMetadata(project)).toEqual([]);
  });

  it("the UI build holds the tab's entry page, copied by the Dockerfile to metadata.json's root", () => {
    expect(checkUiBuild(project)).toEqual([]);
  });

  it('the tab has a Content-Security-Policy as strict as the host’s: no inline or eval’d script, in the source and the build', () => {
    expect(checkCsp(project)).toEqual([]);
  });

  it("the Dockerfile's final stage declares every Marketplace label, with valid JSON where JSON is due", () => {
    expect(checkLabels(project)).toEqual([]);
  });

  it('the image is multi-stage: workspace install, production dependencies, non-root backend, extension files at /', () => {
    expect(checkImageLayout(project)).toEqual([]);
  });

  it('.dockerignore keeps the build context small without dropping what the Dockerfile copies', () => {
    expect(checkDockerignore(project)).toEqual([]);
  });

  it("the compose file runs the backend on metadata.json's socket with a named data volume", () => {
    expect(checkCompose(project)).toEqual([]);
  });

  it('the icon is a well-formed SVG with a viewBox', () => {
    expect(checkIcon(project)).toEqual([]);
  });

  it('the Makefile has the template, development, test and bench targets, each described for make help', () => {
    expect(checkMakefile(project)).toEqual([]);
  });
});

// Each case breaks one thing in a copy of a real file; the named check must report it.
const repo = projectAt(repoRoot);

function replace(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`test setup: ${String(from)} not found`);
  return out;
}

type Check = (p: Project) => string[];
interface Breakage {
  name: string;
  file: string;
  edit: ((text: string) => string) | null;
  check: Check;
  expected: RegExp;
  also?: Record<string, (text: string) => string>;
}

const breakages: Breakage[] = [
  // metadata.json and the UI build
  { name: 'metadata.json is not JSON', file: 'metadata.json', edit: (t) => t.replace(/}\s*$/, ''), check: checkMetadata, expected: /not valid JSON/ },
  {
    name: 'metadata.json has no icon',
    file: 'metadata.json',
    edit: (t) => replace(t, /"icon": "[^"]*",/, ''),
    check: checkMetadata,
    expected: /icon is missing/,
  },
  {
    name: 'the icon file does not exist',
    file: 'metadata.json',
    edit: (t) => replace(t, '"docker.svg"', '"nope.svg"'),
    check: checkMetadata,
    expected: /icon nope\.svg does not exist/,
  },
  {
    name: 'the compose file does not exist',
    file: 'metadata.json',
    edit: (t) => replace(t, '"docker-compose.yaml"', '"compose.yml"'),
    check: checkMetadata,
    expected: /composefile compose\.yml does not exist/,
  },
  {
    name: 'the tab talks to another socket',
    file: 'metadata.json',
    edit: (t) => replace(t, /("backend": \{\s*"socket": )"backend\.sock"/, '$1"other.sock"'),
    check: checkMetadata,
    expected: /must equal vm\.exposes\.socket/,
  },
  {
    name: 'the tab has no dashboard-tab',
    file: 'metadata.json',
    edit: (t) => replace(t, '"dashboard-tab"', '"tab"'),
    check: checkMetadata,
    expected: /dashboard-tab is missing/,
  },
  {
    name: "the tab's root is not where the UI is copied",
    file: 'metadata.json',
    edit: (t) => replace(t, '"/ui"', '"/www"'),
    check: checkUiBuild,
    expected: /does not COPY --from a build stage to \/www/,
  },
  {
    name: "the tab's src is not in the UI build",
    file: 'metadata.json',
    edit: (t) => replace(t, '"index.html"', '"main.html"'),
    check: checkUiBuild,
    expected: /ui\/dist\/main\.html is missing/,
  },
  { name: 'the UI was not built', file: 'ui/dist/index.html', edit: null, check: checkUiBuild, expected: /build the UI first/ },
  {
    name: 'the UI build uses absolute asset URLs',
    file: 'ui/dist/index.html',
    edit: (t) => replace(t, /src="\.\//g, 'src="/'),
    check: checkUiBuild,
    expected: /is absolute/,
  },
  {
    name: 'the Dockerfile copies something else to the root',
    file: 'Dockerfile',
    edit: (t) => replace(t, '/src/ui/dist /ui', '/src/ui/src /ui'),
    check: checkUiBuild,
    expected: /not the UI build/,
  },

  // Dockerfile labels
  {
    name: 'a required label is missing',
    file: 'Dockerfile',
    edit: (t) => replace(t, /\n\s*com\.docker\.extension\.screenshots='[^']*' \\/, ''),
    check: checkLabels,
    expected: /com\.docker\.extension\.screenshots is missing/,
  },
  {
    name: 'a LABEL continuation backslash is lost',
    file: 'Dockerfile',
    edit: (t) => replace(t, /(com\.docker\.desktop\.extension\.api\.version="[^"]*") \\/, '$1'),
    check: checkLabels,
    expected: /com\.docker\.desktop\.extension\.icon is missing/,
  },
  {
    name: 'a label is empty',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'org.opencontainers.image.vendor="Dockbase"', 'org.opencontainers.image.vendor=""'),
    check: checkLabels,
    expected: /vendor is empty/,
  },
  {
    name: 'a label uses a build variable',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'org.opencontainers.image.vendor="Dockbase"', 'org.opencontainers.image.vendor="$VENDOR"'),
    check: checkLabels,
    expected: /vendor uses a build variable/,
  },
  {
    name: 'the screenshots are not JSON',
    file: 'Dockerfile',
    edit: (t) => replace(t, /(screenshots='\[[^']*)\]'/, "$1'"),
    check: checkLabels,
    expected: /screenshots is not valid JSON/,
  },
  {
    name: 'a screenshot has no alt text',
    file: 'Dockerfile',
    edit: (t) => replace(t, /"alt":"[^"]*"/, '"alt":""'),
    check: checkLabels,
    expected: /screenshot 0: "alt"/,
  },
  {
    name: 'a screenshot is outside docs/screenshots',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'docs/screenshots/instances-light.png', 'shots/instances-light.png'),
    check: checkLabels,
    expected: /screenshot 0: .* is not an image under/,
  },
  {
    name: 'the additional URLs are not JSON',
    file: 'Dockerfile',
    edit: (t) => replace(t, /(additional-urls='\[[^']*)\]'/, "$1'"),
    check: checkLabels,
    expected: /additional-urls is not valid JSON/,
  },
  {
    name: 'an additional URL is not https',
    file: 'Dockerfile',
    edit: (t) => replace(t, /("title":"[^"]*","url":")https:/, '$1http:'),
    check: checkLabels,
    expected: /additional url 0: "url" must be an https URL/,
  },
  {
    name: 'the icon label is not an https URL',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'icon="https://', 'icon="http://'),
    check: checkLabels,
    expected: /icon must be an https URL/,
  },
  {
    name: 'the categories lack database',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'categories="database,', 'categories="'),
    check: checkLabels,
    expected: /must include database/,
  },
  {
    name: 'the changelog is not an HTML list',
    file: 'Dockerfile',
    edit: (t) => replace(t, /changelog='[^']*'/, "changelog='First release'"),
    check: checkLabels,
    expected: /changelog must be an HTML list/,
  },
  {
    name: 'the API version is not semver',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'api.version=">= 0.3.4"', 'api.version="latest"'),
    check: checkLabels,
    expected: /is not a semver version/,
  },

  // Dockerfile stages
  {
    name: 'npm ci runs before a workspace manifest is copied',
    file: 'Dockerfile',
    edit: (t) => replace(t, /\nCOPY host\/package\.json host\/\n/, '\n'),
    check: checkImageLayout,
    expected: /npm ci runs before host\/package\.json is copied/,
  },
  {
    name: 'the lockfile is not copied',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'COPY package.json package-lock.json ./', 'COPY package.json ./'),
    check: checkImageLayout,
    expected: /before package-lock\.json is copied/,
  },
  {
    name: 'the image ships the development dependencies',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'npm ci --omit=dev --omit=optional -w backend', 'npm ci --omit=optional -w backend'),
    check: checkImageLayout,
    expected: /production dependencies only/,
  },
  {
    name: 'the production install is not limited to the backend',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'npm ci --omit=dev --omit=optional -w backend', 'npm ci --omit=dev --omit=optional'),
    check: checkImageLayout,
    expected: /limited to the backend/,
  },
  {
    name: 'the image would build the optional native addon',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'npm ci --omit=dev --omit=optional -w backend', 'npm ci --omit=dev -w backend'),
    check: checkImageLayout,
    expected: /leave the optional native addon out/,
  },
  {
    name: 'an npm ci cannot use the corporate CA',
    file: 'Dockerfile',
    edit: (t) => replace(t, /RUN --mount=type=secret,id=ca \\\n/, 'RUN true \\\n'),
    check: checkImageLayout,
    expected: /npm ci without --mount=type=secret,id=ca/,
  },
  {
    name: 'the Node base is not pinned by digest',
    file: 'Dockerfile',
    edit: (t) => replace(t, /^ARG NODE_IMAGE=(node:[^@\n]+)@sha256:[0-9a-f]+$/m, 'ARG NODE_IMAGE=$1'),
    check: checkImageLayout,
    expected: /must be pinned by digest/,
  },
  {
    name: 'the Node base is Node 20',
    file: 'Dockerfile',
    edit: (t) => replace(t, /^ARG NODE_IMAGE=node:\d+/m, 'ARG NODE_IMAGE=node:20'),
    check: checkImageLayout,
    expected: /supported Node LTS \(24 or a later even major\)/,
  },
  {
    name: 'the Node base is not named once',
    file: 'Dockerfile',
    edit: (t) => replace(t, /^ARG NODE_IMAGE=[^\n]*\n/m, ''),
    check: checkImageLayout,
    expected: /name its Node base once/,
  },
  {
    name: 'a stage ignores the pinned Node base',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'FROM ${NODE_IMAGE} AS base', 'FROM node:24-bookworm-slim AS base'),
    check: checkImageLayout,
    expected: /every stage must start FROM \$\{NODE_IMAGE\}/,
  },
  {
    name: 'the scratch image gets no Node runtime',
    file: 'Dockerfile',
    edit: (t) => replace(t, /\nCOPY --from=runtime \/out\/ \/\n/, '\n'),
    check: checkImageLayout,
    expected: /copies no Node runtime/,
  },
  {
    name: 'the image is single-stage',
    file: 'Dockerfile',
    edit: () => 'FROM node:24-bookworm-slim\nUSER node\nCMD ["node", "/backend/dist/main.js"]\n',
    check: checkImageLayout,
    expected: /must be multi-stage/,
  },
  {
    name: 'the backend runs as root',
    file: 'Dockerfile',
    edit: (t) => replace(t, / \\\n\s*DOCKBASE_USER=1000:1000/, ''),
    check: checkImageLayout,
    expected: /runs the backend as root: set ENV DOCKBASE_USER/,
  },
  {
    name: 'the backend is told to stay root',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'DOCKBASE_USER=1000:1000', 'DOCKBASE_USER=0:0'),
    check: checkImageLayout,
    expected: /DOCKBASE_USER=0:0 must be the UID:GID of an unprivileged user/,
  },
  {
    name: 'the image switches to a user that cannot create the socket',
    file: 'Dockerfile',
    edit: (t) => replace(t, /\nWORKDIR \/backend\n/, '\nUSER node\nWORKDIR /backend\n'),
    check: checkImageLayout,
    expected: /switches to USER node: the backend could not create its socket/,
  },
  {
    name: 'the backend ignores DOCKBASE_USER',
    file: 'backend/src/config.ts',
    edit: (t) => t.replaceAll('DOCKBASE_USER', 'DOCKBASE_RUN_AS'),
    check: checkImageLayout,
    expected: /does not read DOCKBASE_USER/,
  },
  {
    name: 'the backend never drops root',
    file: 'backend/src/main.ts',
    edit: (t) => replace(t, /\n\s*const dropped = dropPrivileges\([^\n]*/, '\n  const dropped = undefined;'),
    check: checkImageLayout,
    expected: /never drops privileges/,
  },
  {
    name: 'the backend opens its store as root',
    file: 'backend/src/main.ts',
    edit: (t) => replace(t, /(\n\s*const dropped = dropPrivileges\([^\n]*)(\n\s*const store = Store\.open\([^\n]*)/, '$2$1'),
    check: checkImageLayout,
    expected: /opens the store before dropping privileges/,
  },
  {
    name: 'CMD is the shell form',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'CMD ["node", "/backend/dist/main.js"]', 'CMD node /backend/dist/main.js'),
    check: checkImageLayout,
    expected: /CMD must be the exec form/,
  },
  {
    name: 'CMD moves the socket',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'CMD ["node", "/backend/dist/main.js"]', 'CMD ["node", "/backend/dist/main.js", "--socket", "/tmp/b.sock"]'),
    check: checkImageLayout,
    expected: /must not move the socket/,
  },
  {
    name: 'the icon is not copied to /',
    file: 'Dockerfile',
    edit: (t) => replace(t, 'COPY metadata.json docker.svg docker-compose.yaml /', 'COPY metadata.json docker-compose.yaml /'),
    check: checkImageLayout,
    expected: /must COPY docker\.svg to \//,
  },
  {
    name: "the backend's package.json is not copied",
    file: 'Dockerfile',
    edit: (t) => replace(t, /\nCOPY --from=build \/src\/backend\/package\.json \/backend\/package\.json\n/, '\n'),
    check: checkImageLayout,
    expected: /backend\/package\.json/,
  },
  {
    name: 'the production node_modules are not copied',
    file: 'Dockerfile',
    edit: (t) => replace(t, /\nCOPY --from=prod-deps [^\n]*\n/, '\n'),
    check: checkImageLayout,
    expected: /does not copy the production node_modules/,
  },

  // .dockerignore
  { name: '.dockerignore is missing', file: '.dockerignore', edit: null, check: checkDockerignore, expected: /\.dockerignore is missing/ },
  {
    name: '.dockerignore drops sources the build needs',
    file: '.dockerignore',
    edit: (t) => `${t}\nui/src\n`,
    check: checkDockerignore,
    expected: /drops ui\/src\//,
  },
  {
    name: '.dockerignore drops a workspace manifest',
    file: '.dockerignore',
    edit: (t) => replace(t, '!host/package.json\n', ''),
    check: checkDockerignore,
    expected: /drops host\/package\.json/,
  },
  {
    name: '.dockerignore lets node_modules in',
    file: '.dockerignore',
    edit: (t) => replace(t, '**/node_modules\n', ''),
    check: checkDockerignore,
    expected: /does not keep node_modules\/x\/index\.js out/,
  },

  // docker-compose.yaml
  {
    name: 'the compose file is not readable YAML',
    file: 'docker-compose.yaml',
    edit: (t) => replace(t, '    image:', '      image:'),
    check: checkCompose,
    expected: /could not be read/,
  },
  {
    name: 'the compose file has no service',
    file: 'docker-compose.yaml',
    edit: (t) => replace(t, /services:[\s\S]*?\n(?=volumes:)/, 'services: {}\n'),
    check: checkCompose,
    expected: /has no service/,
  },
  {
    name: 'the backend runs another image',
    file: 'docker-compose.yaml',
    edit: (t) => replace(t, '${DESKTOP_PLUGIN_IMAGE}', 'dockbase/backend'),
    check: checkCompose,
    expected: /must run image/,
  },
  {
    name: 'the data volume is not mounted',
    file: 'docker-compose.yaml',
    edit: (t) => replace(t, /\n\s*- dockbase-data:\/var\/lib\/dockbase/, '\n      - dockbase-data:/data'),
    check: checkCompose,
    expected: /must mount a named volume on \/var\/lib\/dockbase/,
  },
  {
    name: 'the data volume is a bind mount',
    file: 'docker-compose.yaml',
    edit: (t) => replace(t, '- dockbase-data:/var/lib/dockbase', '- ./data:/var/lib/dockbase'),
    check: checkCompose,
    expected: /not the bind mount/,
  },
  {
    name: 'the named volume is not declared',
    file: 'docker-compose.yaml',
    edit: (t) => replace(t, /\nvolumes:\n\s*dockbase-data:\n?/, '\n'),
    check: checkCompose,
    expected: /volume dockbase-data is not declared/,
  },
  {
    name: 'the backend is told to use a TCP port',
    file: 'docker-compose.yaml',
    edit: (t) =>
      replace(
        t,
        '    image: ${DESKTOP_PLUGIN_IMAGE}\n',
        '    image: ${DESKTOP_PLUGIN_IMAGE}\n    command: ["node", "/backend/dist/main.js", "--port", "8080"]\n',
      ),
    check: checkCompose,
    expected: /not a TCP port/,
  },
  {
    name: 'the compose file moves the socket',
    file: 'docker-compose.yaml',
    edit: (t) =>
      replace(t, '    image: ${DESKTOP_PLUGIN_IMAGE}\n', '    image: ${DESKTOP_PLUGIN_IMAGE}\n    environment:\n      - DOCKBASE_SOCKET=/tmp/x.sock\n'),
    check: checkCompose,
    expected: /listen on \/tmp\/x\.sock/,
  },
  {
    name: 'metadata.json exposes a socket the backend does not listen on',
    file: 'metadata.json',
    edit: (t) => t.replaceAll('"backend.sock"', '"other.sock"'),
    check: checkCompose,
    expected: /listens on \/run\/guest-services\/backend\.sock by default, but metadata\.json exposes \/run\/guest-services\/other\.sock/,
  },
  {
    name: 'the backend listens elsewhere by default',
    file: 'backend/src/config.ts',
    edit: (t) => replace(t, "'/run/guest-services/backend.sock'", "'/run/guest-services/api.sock'"),
    check: checkCompose,
    expected: /listens on \/run\/guest-services\/api\.sock by default/,
  },
  {
    name: "the backend's socket constant is gone",
    file: 'backend/src/config.ts',
    edit: (t) => replace(t, 'DESKTOP_SOCKET =', 'SOCKET ='),
    check: checkCompose,
    expected: /no DESKTOP_SOCKET constant/,
  },

  // The tab's Content-Security-Policy
  {
    name: 'the tab has no CSP',
    file: 'ui/index.html',
    edit: (t) => replace(t, /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
    check: checkCsp,
    expected: /ui\/index\.html has no Content-Security-Policy/,
  },
  {
    name: 'the build lost the CSP',
    file: 'ui/dist/index.html',
    edit: (t) => replace(t, /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
    check: checkCsp,
    expected: /ui\/dist\/index\.html has no Content-Security-Policy/,
  },
  {
    name: 'the CSP allows inline scripts',
    file: 'ui/index.html',
    edit: (t) => replace(t, "script-src 'self'", "script-src 'self' 'unsafe-inline'"),
    check: checkCsp,
    expected: /script-src must be 'self'/,
  },
  {
    name: 'the CSP allows eval',
    file: 'ui/index.html',
    edit: (t) => replace(t, "style-src 'self'", "style-src 'self' 'unsafe-eval'"),
    check: checkCsp,
    expected: /style-src allows/,
  },
  {
    name: 'the CSP allows plugins',
    file: 'ui/index.html',
    edit: (t) => replace(t, "object-src 'none'; ", ''),
    check: checkCsp,
    expected: /object-src must be 'none'/,
  },
  {
    name: 'the CSP comes after a script',
    file: 'ui/dist/index.html',
    edit: (t) => replace(t, '<meta charset="UTF-8" />', '<meta charset="UTF-8" /><script src="./x.js"></script>'),
    check: checkCsp,
    expected: /must come before any script/,
  },
  {
    name: 'the build has an inline script',
    file: 'ui/dist/index.html',
    edit: (t) => replace(t, '</head>', '<script>window.x = 1</script></head>'),
    check: checkCsp,
    expected: /inline script/,
  },

  // docker.svg
  {
    name: 'the icon has an unclosed element',
    file: 'docker.svg',
    edit: (t) => replace(t, '</g>', ''),
    check: checkIcon,
    expected: /not well-formed XML: .*<\/svg> closes <g>/,
  },
  {
    name: 'the icon has an unquoted attribute',
    file: 'docker.svg',
    edit: (t) => replace(t, 'cx="12"', 'cx=12'),
    check: checkIcon,
    expected: /no quoted value/,
  },
  {
    name: 'the icon has a bare ampersand',
    file: 'docker.svg',
    edit: (t) => replace(t, '<title>Dockbase</title>', '<title>Dock & base</title>'),
    check: checkIcon,
    expected: /not a valid entity reference/,
  },
  {
    name: 'the icon has two roots',
    file: 'docker.svg',
    edit: (t) => `${t}<svg xmlns="http://www.w3.org/2000/svg"/>`,
    check: checkIcon,
    expected: /more than one root/,
  },
  { name: 'the icon is not closed', file: 'docker.svg', edit: (t) => replace(t, '</svg>', ''), check: checkIcon, expected: /<svg> is never closed/ },
  {
    name: 'the icon is not an SVG',
    file: 'docker.svg',
    edit: (t) => replace(replace(t, '<svg ', '<html '), '</svg>', '</html>'),
    check: checkIcon,
    expected: /root element is <html>/,
  },
  { name: 'the icon has no viewBox', file: 'docker.svg', edit: (t) => replace(t, /\sviewBox="[^"]*"/, ''), check: checkIcon, expected: /needs a viewBox/ },
  {
    name: 'the icon has an empty viewBox',
    file: 'docker.svg',
    edit: (t) => replace(t, /viewBox="[^"]*"/, 'viewBox="0 0 0 24"'),
    check: checkIcon,
    expected: /needs a viewBox/,
  },

  // Makefile
  {
    name: 'a development target is missing',
    file: 'Makefile',
    edit: (t) => replace(t, /\ndev-reset:[^\n]*\n\t[^\n]*\n/, '\n'),
    check: checkMakefile,
    expected: /target dev-reset is missing/,
  },
  {
    name: 'a target has no help text',
    file: 'Makefile',
    edit: (t) => replace(t, /\nbench:[^\n]*/, '\nbench:'),
    check: checkMakefile,
    expected: /target bench is missing or has no "## description"/,
  },
  {
    name: 'the push is not multi-arch',
    file: 'Makefile',
    edit: (t) => replace(t, 'linux/amd64,linux/arm64', 'linux/amd64'),
    check: checkMakefile,
    expected: /linux\/arm64/,
  },
  {
    name: 'IMAGE is not a variable',
    file: 'Makefile',
    edit: (t) => replace(t, /^IMAGE \?=[^\n]*\n/m, ''),
    check: checkMakefile,
    expected: /IMAGE \?= … is missing/,
  },
];

describe('the packaging checks catch broken files', () => {
  it.each(breakages)('$name', ({ file, edit, check, expected }) => {
    const original = repo.read(file);
    if (edit !== null && original === undefined) throw new Error(`${file} is missing: build the UI first (npm run build -w ui)`);
    const broken = withFiles(repo, { [file]: edit === null ? null : edit(original!) });
    expect(check(repo)).toEqual([]);
    expect(check(broken).join('\n')).toMatch(expected);
  });
});

describe('the parsers behind the checks', () => {
  it('joins continuation lines and drops comment lines inside them, as Docker does', () => {
    const ins = parseDockerfile('FROM a AS b\n# c\nLABEL x="1 \\\n  2" \\\n# note\n      y=\'{"k": "$v"}\'\nCMD ["x"]\n');
    expect(ins.map((i) => i.keyword)).toEqual(['FROM', 'LABEL', 'CMD']);
    expect(splitWords(ins[1]!.args).words).toEqual(['x=1   2', 'y={"k": "$v"}']);
    expect(splitWords('a="q\\"s" b=c\\ d e=$X').words).toEqual(['a=q"s', 'b=c d', 'e=$X']);
    expect(splitWords('a="$X" b=\'$Y\'').variables).toEqual([true, false]);
  });

  it('matches .dockerignore patterns like Docker: parents, **, and exceptions', () => {
    const ignored = dockerIgnoreMatcher('**/node_modules\nhost/*\n!host/package.json\n*.md\n/docs\n');
    expect(ignored('ui/node_modules/a/b.js')).toBe(true);
    expect(ignored('node_modules/a')).toBe(true);
    expect(ignored('host/src/x.ts')).toBe(true);
    expect(ignored('host/package.json')).toBe(false);
    expect(ignored('README.md')).toBe(true);
    expect(ignored('ui/README.md')).toBe(false);
    expect(ignored('docs/screenshots/a.png')).toBe(true);
    expect(ignored('ui/src/main.tsx')).toBe(false);
  });

  it('reads the YAML a compose file uses', () => {
    expect(parseYaml('a:\n  b: "x"  # c\n  l:\n  - 1\n  - k: v\n    m: n\nz:\n')).toEqual({ a: { b: 'x', l: ['1', { k: 'v', m: 'n' }] }, z: null });
    expect(parseYaml('c: ["node", "x y", --port , 1]\nd: []\n')).toEqual({ c: ['node', 'x y', '--port', '1'], d: [] });
    expect(() => parseYaml('a:\n  b: 1\n   c: 2\n')).toThrow(/indentation/);
  });
});
