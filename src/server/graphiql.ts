import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { type GraphiQLAssets, graphiqlAssets } from './graphiql-assets.js';

/** Under the GraphQL endpoint, so whatever routes the endpoint to the service routes these. */
const ASSETS_PATH = '/graphiql/';

export interface GraphiQLPage {
  /** Whether this request is for GraphiQL's page or one of its assets. */
  readonly serves: (request: Request, url: URL) => boolean;
  /** Answers those requests; give it after the rate limit, which counts them. */
  readonly plugin: Plugin;
}

/**
 * GraphiQL for browsers: a small HTML page at the GraphQL endpoint (for a GET that accepts
 * HTML) that loads its script, styles, icon and editor workers from `<endpoint>/graphiql/`,
 * where they are served as static files (see `graphiql-assets.ts`).
 */
export function graphiqlPage(options: {
  readonly endpoint: string;
  readonly graphiql: GraphiQLOptions;
}): GraphiQLPage {
  const assetsPrefix = `${options.endpoint}${ASSETS_PATH}`;
  const isPage = (request: Request, url: URL) =>
    request.method === 'GET' &&
    (url.pathname === options.endpoint || url.pathname === `${options.endpoint}/`) &&
    (request.headers.get('accept')?.includes('text/html') ?? false);
  const isAsset = (url: URL) => url.pathname.startsWith(assetsPrefix);
  let page: Promise<string> | null = null;
  return {
    serves: (request, url) => isPage(request, url) || isAsset(url),
    plugin: {
      async onRequest({ request, url, endResponse, fetchAPI }) {
        if (isAsset(url)) {
          if (request.method !== 'GET' && request.method !== 'HEAD') {
            endResponse(
              new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }),
            );
            return;
          }
          const assets = await graphiqlAssets();
          const name = url.pathname.slice(assetsPrefix.length);
          const response = assets.respond(name, request, fetchAPI);
          endResponse((await response) ?? new fetchAPI.Response('Not found', { status: 404 }));
          return;
        }
        if (isPage(request, url)) {
          page ??= graphiqlAssets().then((assets) =>
            renderPage(assets, assetsPrefix, options.graphiql),
          );
          endResponse(
            new fetchAPI.Response(await page, {
              status: 200,
              headers: {
                'content-type': 'text/html; charset=utf-8',
                // The page names the assets by hash; asking again picks up a new version.
                'cache-control': 'no-cache',
              },
            }),
          );
        }
      },
    },
  };
}

/** JSON that is safe inside a `<script>` element: no `</script>` can close it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The page, built once: the shell `@graphql-yoga/render-graphiql` renders, with its inline
 * bundle replaced by references to the asset files. Monaco loads its workers from the URLs
 * `getWorkerUrl` gives, instead of from blobs of inlined source.
 */
function renderPage(assets: GraphiQLAssets, prefix: string, graphiql: GraphiQLOptions): string {
  const workers = Object.fromEntries(
    Object.entries(assets.workers).map(([label, name]) => [label, `${prefix}${name}`]),
  );
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(graphiql.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${prefix}${assets.icon}" />
    <link rel="stylesheet" href="${prefix}${assets.style}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(workers)};
      self.MonacoEnvironment = {
        globalAPI: false,
        getWorkerUrl: (_moduleId, label) => workers[label],
      };
    </script>
    <script src="${prefix}${assets.script}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(graphiql)});
    </script>
  </body>
</html>
`;
}
