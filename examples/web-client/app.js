/*
 * Example web client for nest-dual-auth: plain browser JavaScript and axios, no framework.
 *
 * Two ways of proving who we are, picked from the API's AUTH_STRATEGY (read from its OpenAPI
 * document) or from `?mode=session|jwt|both`:
 *
 * - cookie flow (session, and both by default): axios sends credentials (`withCredentials`), the
 *   browser keeps the HttpOnly session cookie where no script can read it, and every unsafe
 *   request carries `X-CSRF-Token` with a token fetched from GET /auth/csrf after login.
 * - token flow (jwt): the access and refresh tokens live in this script's memory only (never in
 *   localStorage, where any injected script could read them); requests carry
 *   `Authorization: Bearer`, and a 401 triggers one POST /auth/refresh and a retry. Memory does
 *   not survive a reload: reloading the page logs you out, by design.
 *
 * Single sign-on (when the API has OIDC_ISSUER_URL): "Sign in with SSO" sends the browser to the
 * API's GET /auth/oidc/login, which comes back here with the session cookie set (cookie flow)
 * and/or `#code=<one-time code>` in the URL fragment, which this page exchanges at once with
 * POST /auth/oidc/token for the token pair (a token never travels in a URL).
 */
(function () {
  'use strict';

  const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);
  const MODES = ['session', 'jwt', 'both'];
  const config = window.WEB_CLIENT_CONFIG || {};
  const apiUrl = String(config.apiUrl || 'http://localhost:3000').replace(/\/+$/, '');
  const $ = (id) => document.getElementById(id);

  /** Credentials, in memory only. */
  const state = { flow: 'cookie', csrfToken: null, accessToken: null, refreshToken: null, user: null };
  let refreshing = null;

  const api = axios.create({ baseURL: apiUrl, timeout: 10000 });

  api.interceptors.request.use((request) => {
    const method = String(request.method || 'get').toLowerCase();
    if (state.flow === 'token' && state.accessToken && !request.anonymous) {
      request.headers.Authorization = 'Bearer ' + state.accessToken;
      request.sentToken = state.accessToken;
    }
    if (state.flow === 'cookie' && UNSAFE.has(method) && state.csrfToken) {
      request.headers['X-CSRF-Token'] = state.csrfToken;
    }
    return request;
  });

  // Token flow: an expired access token gets one refresh and one retry.
  api.interceptors.response.use(undefined, async (error) => {
    const request = error.config;
    const expired = state.flow === 'token' && error.response && error.response.status === 401 && state.refreshToken;
    if (!expired || !request || request.noRefresh || request.retried) throw error;
    request.retried = true;
    // Another request may have renewed the token since this one left: then just retry.
    if (request.sentToken === state.accessToken) await refreshTokens();
    return api.request(request);
  });

  /**
   * One refresh at a time: refresh tokens rotate, and presenting the same one twice (two requests
   * refreshing in parallel) is taken for theft and ends the whole family.
   */
  function refreshTokens() {
    if (!refreshing) {
      refreshing = api
        .post('/auth/refresh', { refreshToken: state.refreshToken }, { anonymous: true, noRefresh: true })
        .then(({ data }) => {
          state.accessToken = data.accessToken;
          state.refreshToken = data.refreshToken;
          document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
        })
        .catch((error) => {
          forget();
          showLoggedOut('session expired');
          throw error;
        })
        .finally(() => {
          refreshing = null;
        });
    }
    return refreshing;
  }

  function forget() {
    state.csrfToken = null;
    state.accessToken = null;
    state.refreshToken = null;
    state.user = null;
  }

  // ---- what the page shows ------------------------------------------------------------------

  function showLoggedIn(user) {
    state.user = user;
    const status = $('status');
    status.textContent = 'Logged in as ' + user.email + (user.name ? ' (' + user.name + ')' : '');
    status.dataset.state = 'in';
  }

  function showLoggedOut(reason) {
    const status = $('status');
    status.textContent = 'Logged out' + (reason ? ' (' + reason + ')' : '');
    status.dataset.state = 'out';
  }

  function showUnknown(error) {
    const status = $('status');
    status.textContent = 'Cannot reach the API: ' + describe(error);
    status.dataset.state = 'error';
  }

  function say(kind, text) {
    const message = $('message');
    message.textContent = text;
    message.dataset.kind = kind;
    // Lets a test (or a screen reader user) tell a new message from the previous one.
    message.dataset.seq = String(Number(message.dataset.seq || 0) + 1);
  }

  function describe(error) {
    if (error && error.response) {
      const body = error.response.data || {};
      const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
      return error.response.status + ' ' + (message || error.response.statusText || 'error');
    }
    if (error && error.request) {
      // The browser hides why: no answer at all, or an answer this origin may not read (CORS).
      return (
        'network error: the API did not answer, or CORS kept its answer from this page (is ' +
        location.origin +
        ' in CORS_ORIGINS?)'
      );
    }
    return error && error.message ? error.message : String(error);
  }

  function formatDistance(metres) {
    return metres < 1000 ? Math.round(metres) + ' m' : (metres / 1000).toFixed(2) + ' km';
  }

  function renderNear(posts) {
    const list = $('near-list');
    list.replaceChildren(
      ...posts.map((post) => {
        const item = document.createElement('li');
        item.dataset.postId = post.id;
        const text = document.createElement('span');
        text.className = 'text';
        text.textContent = post.text; // textContent: a post is data, never markup
        const distance = document.createElement('span');
        distance.className = 'distance';
        distance.textContent = formatDistance(post.distance);
        item.append(text, distance);
        return item;
      }),
    );
    if (posts.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = 'No posts there.';
      list.append(empty);
    }
    list.dataset.loaded = 'true';
  }

  // ---- the API calls ------------------------------------------------------------------------

  async function fetchCsrfToken() {
    const { data } = await api.get('/auth/csrf');
    state.csrfToken = data.csrfToken;
  }

  async function register(email, password, name) {
    const { data } = await api.post('/auth/register', name ? { email, password, name } : { email, password });
    return data;
  }

  async function login(email, password) {
    const { data } = await api.post('/auth/login', { email, password }, { anonymous: true, noRefresh: true });
    if (state.flow === 'token') {
      state.accessToken = data.accessToken;
      state.refreshToken = data.refreshToken;
    } else {
      // A CSRF token is bound to the session id, and login issues a new one: fetch it now.
      await fetchCsrfToken();
      // In `both` mode login also returns tokens; this cookie client only keeps the refresh
      // token, in memory, to revoke its family at logout.
      state.refreshToken = data.refreshToken || null;
    }
    showLoggedIn(data.user);
  }

  /** Leaves for the identity provider; the API brings the browser back to this very page. */
  function signInWithSso() {
    const returnTo = location.origin + location.pathname + location.search;
    location.assign(apiUrl + '/auth/oidc/login?returnTo=' + encodeURIComponent(returnTo));
  }

  /**
   * Back from single sign-on: the fragment's one-time code, taken out of the address bar first
   * (history, screenshots), then exchanged for the tokens, kept as after a password login.
   * @returns whether the page came back with a code.
   */
  async function redeemSsoCode() {
    const code = new URLSearchParams(location.hash.slice(1)).get('code');
    if (!code) return false;
    history.replaceState(null, '', location.pathname + location.search);
    const { data } = await api.post('/auth/oidc/token', { code }, { anonymous: true, noRefresh: true });
    if (state.flow === 'token') state.accessToken = data.accessToken;
    state.refreshToken = data.refreshToken;
    return true;
  }

  /** The SSO button only where the API offers single sign-on (its OpenAPI document lists the route). */
  async function offerSso() {
    const { data } = await api.get('/docs-json');
    $('sso').hidden = !(data.paths && '/auth/oidc/login' in data.paths);
  }

  async function logout() {
    await api.post('/auth/logout', state.refreshToken ? { refreshToken: state.refreshToken } : {});
    forget();
    showLoggedOut();
  }

  async function whoAmI() {
    try {
      const { data } = await api.get('/auth/me');
      showLoggedIn(data);
      if (state.flow === 'cookie') await fetchCsrfToken();
    } catch (error) {
      if (error.response && error.response.status === 401) {
        forget();
        showLoggedOut();
      } else {
        showUnknown(error);
      }
    }
  }

  /** The API's mode, from `?mode=`, the server's config.js, or the security schemes of /docs-json. */
  async function resolveMode() {
    const requested = new URLSearchParams(location.search).get('mode') || config.mode;
    if (requested) {
      if (!MODES.includes(requested)) throw new Error('unknown mode "' + requested + '": use session, jwt or both');
      return { mode: requested, source: 'chosen' };
    }
    const { data } = await api.get('/docs-json');
    const schemes = (data.components && data.components.securitySchemes) || {};
    const cookie = 'cookie' in schemes;
    const bearer = 'bearer' in schemes;
    return { mode: cookie && bearer ? 'both' : bearer ? 'jwt' : 'session', source: 'read from the API' };
  }

  // ---- wiring -------------------------------------------------------------------------------

  function action(run) {
    return async (event) => {
      if (event) event.preventDefault();
      try {
        await run();
      } catch (error) {
        say('error', describe(error));
      }
    };
  }

  $('register').addEventListener(
    'click',
    action(async () => {
      const user = await register($('email').value, $('password').value, $('name').value.trim());
      say('ok', 'Registered ' + user.email + '. Now log in.');
    }),
  );

  $('account-form').addEventListener(
    'submit',
    action(async () => {
      await login($('email').value, $('password').value);
      say('ok', 'Logged in.');
    }),
  );

  $('sso').addEventListener('click', action(signInWithSso));

  $('logout').addEventListener(
    'click',
    action(async () => {
      await logout();
      say('ok', 'Logged out.');
    }),
  );

  $('post-form').addEventListener(
    'submit',
    action(async () => {
      const coordinates = [Number($('post-lng').value), Number($('post-lat').value)];
      const { data } = await api.post('/posts', {
        text: $('post-text').value,
        location: { type: 'Point', coordinates },
      });
      say('ok', 'Posted "' + data.text + '" at [' + data.location.coordinates.join(', ') + '].');
    }),
  );

  $('near-form').addEventListener(
    'submit',
    action(async () => {
      const params = { lng: $('near-lng').value, lat: $('near-lat').value, maxDistance: $('near-distance').value };
      const { data } = await api.get('/posts/near', { params });
      renderNear(data);
      say('ok', data.length + ' post(s) within ' + params.maxDistance + ' m.');
    }),
  );

  async function start() {
    let mode;
    try {
      mode = await resolveMode();
    } catch (error) {
      $('mode').textContent = 'API ' + apiUrl + ': mode unknown (' + describe(error) + ')';
      showUnknown(error);
      return;
    }
    // `both` accepts either credential; a browser is best served by the HttpOnly cookie.
    state.flow = mode.mode === 'jwt' ? 'token' : 'cookie';
    api.defaults.withCredentials = state.flow === 'cookie';
    $('mode').dataset.mode = mode.mode;
    $('mode').dataset.flow = state.flow;
    $('mode').textContent =
      'API ' +
      apiUrl +
      ' · mode ' +
      mode.mode +
      ' (' +
      mode.source +
      ') · this page uses ' +
      (state.flow === 'cookie' ? 'the session cookie and X-CSRF-Token' : 'bearer tokens kept in memory');
    $('note').textContent =
      state.flow === 'cookie'
        ? 'The session cookie is HttpOnly: this page never sees it, and it survives a reload.'
        : 'Tokens live in this page\u2019s memory only: reloading the page logs you out.';
    let fromSso = false;
    try {
      [fromSso] = await Promise.all([redeemSsoCode(), offerSso()]);
    } catch (error) {
      say('error', 'Single sign-on: ' + describe(error));
    }
    await whoAmI();
    if (fromSso) say('ok', 'Signed in with SSO.');
  }

  start();
})();
