// The admin pages: /admin (events, storage) and /admin/events/{slug} (one event). The admin token is kept
// in this tab's sessionStorage and sent as "Authorization: Bearer" to the admin API, which checks it.
'use strict';

(function () {
  const TOKEN_KEY = 'picpeak.adminToken';
  const PARALLEL_UPLOADS = 3;
  const JOB_POLL_MS = 1500; // following one job on the event page
  const JOBS_PANEL_POLL_MS = 2000; // the jobs panel, while a job is queued or running
  const main = document.getElementById('admin');
  const signOut = document.getElementById('sign-out');
  let storage = null; // GET /api/admin/storage, read once per page
  let view = 0; // counts the pages shown: a page's polling stops once another one is shown

  // ---- small helpers ----
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value == null) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else if (value === true) node.setAttribute(name, '');
      else node.setAttribute(name, value);
    }
    for (const child of children.flat(Infinity)) {
      if (child != null) node.append(child);
    }
    return node;
  }

  const formatBytes = window.PicPeakFormat.bytes; // assets/format.js

  function formatTime(iso) {
    return iso ? new Date(iso).toLocaleString() : '—';
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  class ApiError extends Error {
    constructor(status, body) {
      super(body && body.message ? body.message : 'HTTP ' + status);
      this.status = status;
      this.body = body;
    }
  }

  async function api(method, path, body) {
    const headers = {Authorization: 'Bearer ' + token()};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignIn('The admin token was refused: sign in again.');
      throw new ApiError(401, {message: 'signed out'});
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (notJson) { // e.g. a gateway's HTML error page
      json = {message: 'HTTP ' + response.status + ' ' + response.statusText};
    }
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  }

  function status(node, message, kind) {
    node.textContent = message;
    node.className = kind || 'muted';
  }

  // ---- sign in ----
  function showSignIn(message) {
    view++;
    signOut.hidden = true;
    const input = el('input', {id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'current-password'});
    const error = el('p', {id: 'sign-in-error', class: 'error', role: 'alert', text: message || ''});
    const form = el('form', {id: 'sign-in', class: 'card narrow'},
      el('h1', {text: 'Sign in'}),
      el('p', {class: 'muted', text: 'Use the admin token (ADMIN_TOKEN; local mode saves it in data/admin-token).'}),
      el('label', {for: 'token', text: 'Admin token'}), input,
      el('p', {}, el('button', {type: 'submit', text: 'Sign in'})), error);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      try {
        storage = await api('GET', '/api/admin/storage');
        route();
      } catch (failure) {
        if (failure.status !== 401) error.textContent = failure.message;
        else document.getElementById('sign-in-error').textContent = 'That admin token is wrong.';
      }
    });
    main.replaceChildren(form);
    input.focus();
  }

  signOut.addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    storage = null;
    history.pushState(null, '', '/admin');
    showSignIn('Signed out.');
  });

  function navigate(path) {
    history.pushState(null, '', path);
    route();
  }

  window.addEventListener('popstate', () => route());

  // notice: what eventPage shows once more after reloading (the job that just ended)
  async function route(notice) {
    view++;
    if (!token()) {
      showSignIn();
      return;
    }
    signOut.hidden = false;
    try {
      if (!storage) storage = await api('GET', '/api/admin/storage');
      const match = location.pathname.match(/^\/admin\/events\/([^/]+)$/);
      if (match) {
        await eventPage(decodeURIComponent(match[1]), notice);
      } else {
        await homePage();
      }
    } catch (failure) {
      if (failure.status !== 401) {
        main.replaceChildren(el('p', {class: 'error', role: 'alert', text: failure.message}));
      }
    }
  }

  // ---- /admin: events and storage ----
  async function homePage() {
    document.title = 'Events · PicPeak admin';
    const mine = view;
    const heading = el('h1', {id: 'events-heading', text: 'Events'});
    const events = el('section', {class: 'card', 'aria-labelledby': 'events-heading'},
      heading, eventsTable(await api('GET', '/api/admin/events?limit=500')));
    // a job that ended may have archived, restored or deleted events: list them again
    const jobs = jobsPanel(async () => {
      try {
        const listing = await api('GET', '/api/admin/events?limit=500');
        if (view === mine) events.replaceChildren(heading, ...eventsTable(listing).filter(Boolean));
      } catch (failure) {
        // the list stays as it was; the next page load shows the current one
      }
    });
    main.replaceChildren(events, jobs, el('div', {class: 'two'}, createEventForm(), storagePanel()), tokensPanel());
  }

  /** Scoped API tokens: the list (never a secret), a form whose new token's secret is shown this once, revoke. */
  function tokensPanel() {
    const list = el('div', {id: 'tokens-list'});
    const secret = el('p', {id: 'token-secret', role: 'status', hidden: true});
    const name = el('input', {id: 'token-name', required: true, maxlength: '100'});
    const events = el('input', {id: 'token-events', required: true, placeholder: 'anna-ben, or * for every event'});
    const scopes = ['list', 'download', 'upload'].map((scope) =>
      el('label', {}, el('input', {type: 'checkbox', name: 'token-scope', value: scope, checked: scope !== 'upload'}), ' ' + scope));
    const expires = el('input', {id: 'token-expires', type: 'datetime-local'});
    const message = el('p', {role: 'status'});
    async function refresh() {
      const tokens = (await api('GET', '/api/admin/tokens')).tokens;
      list.replaceChildren(tokens.length === 0 ? el('p', {class: 'muted', text: 'No API tokens.'}) : el('table', {},
        el('tr', {}, ['Name', 'Events', 'Scopes', 'Expires', 'Uses', ''].map((h) => el('th', {text: h}))),
        tokens.map((t) => el('tr', {'data-token-id': t.id},
          el('td', {text: t.name}), el('td', {text: t.events.join(', ')}), el('td', {text: t.scopes.join(', ')}),
          el('td', {text: formatTime(t.expiresAt)}), el('td', {text: String(t.uses)}),
          el('td', {}, el('button', {type: 'button', class: 'secondary', text: 'Revoke', onclick: async () => {
            await api('DELETE', '/api/admin/tokens/' + t.id);
            await refresh();
          }}))))));
    }
    const form = el('form', {id: 'token-form', onsubmit: async (event) => {
      event.preventDefault();
      try {
        const created = await api('POST', '/api/admin/tokens', {
          name: name.value,
          events: events.value.split(',').map((s) => s.trim()).filter(Boolean),
          scopes: Array.from(form.querySelectorAll('input[name=token-scope]:checked')).map((c) => c.value),
          expiresAt: expires.value ? new Date(expires.value).toISOString() : null});
        secret.replaceChildren('The token, shown this once: ', el('code', {text: created.token}));
        secret.hidden = false;
        status(message, '');
        await refresh();
      } catch (failure) {
        status(message, failure.message, 'error');
      }
    }},
    el('label', {for: 'token-name', text: 'Name'}), name,
    el('label', {for: 'token-events', text: 'Events (slugs, comma-separated)'}), events,
    el('fieldset', {}, el('legend', {text: 'Scopes'}), scopes),
    el('label', {for: 'token-expires', text: 'Expires (optional)'}), expires,
    el('button', {type: 'submit', text: 'Create token'}), message);
    refresh().catch((failure) => status(message, failure.message, 'error'));
    return el('section', {class: 'card', id: 'tokens', 'aria-labelledby': 'tokens-heading'},
      el('h2', {id: 'tokens-heading', text: 'API tokens'}), list, secret, form);
  }

  function eventsTable(listing) {
    const rows = listing.events.map((event) => el('tr', {},
      el('td', {}, el('a', {href: '/admin/events/' + event.slug, onclick: linkTo('/admin/events/' + event.slug), text: event.title})),
      el('td', {}, el('code', {text: event.slug})),
      el('td', {text: String(event.photoCount)}),
      el('td', {}, eventState(event)),
      el('td', {text: event.expiresAt ? formatTime(event.expiresAt) : 'never'}),
      el('td', {}, el('a', {href: event.galleryUrl, target: '_blank', rel: 'noopener', text: 'Open gallery'}))));
    const table = rows.length === 0
      ? el('p', {class: 'muted', text: 'No events yet: create the first one below.'})
      : el('table', {id: 'events'},
        el('thead', {}, el('tr', {}, ['Title', 'Slug', 'Photos', 'State', 'Expires', 'Gallery'].map((h) => el('th', {scope: 'col', text: h})))),
        el('tbody', {}, rows));
    return [table, listing.nextCursor ? el('p', {class: 'muted', text: 'Showing the first 500 events.'}) : null];
  }

  function linkTo(path) {
    return (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      navigate(path);
    };
  }

  function eventState(event) {
    if (event.archivedAt) return el('span', {class: 'badge off', text: 'archived'});
    if (!event.active) return el('span', {class: 'badge off', text: 'hidden'});
    if (event.expiresAt && new Date(event.expiresAt) < new Date()) return el('span', {class: 'badge off', text: 'expired'});
    return el('span', {class: 'badge on', text: 'open'});
  }

  function createEventForm() {
    const message = el('p', {role: 'status'});
    const form = el('form', {id: 'create-event', class: 'card', 'aria-labelledby': 'create-heading'},
      el('h2', {id: 'create-heading', text: 'Create an event'}),
      el('label', {for: 'new-title', text: 'Title'}), el('input', {id: 'new-title', name: 'title', required: true}),
      el('label', {for: 'new-slug', text: 'Link name (slug)'}),
      el('input', {id: 'new-slug', name: 'slug', required: true, pattern: '[a-z0-9]+(-[a-z0-9]+)*', 'aria-describedby': 'slug-hint'}),
      el('p', {id: 'slug-hint', class: 'hint', text: 'a-z, 0-9 and "-": the gallery is /gallery/<slug>.'}),
      el('label', {for: 'new-password', text: 'Password (optional)'}),
      el('input', {id: 'new-password', name: 'password', type: 'password', autocomplete: 'new-password'}),
      el('label', {for: 'new-expires', text: 'Expires (optional)'}),
      el('input', {id: 'new-expires', name: 'expiresAt', type: 'datetime-local'}),
      el('p', {}, el('button', {type: 'submit', text: 'Create event'})), message);
    const title = form.querySelector('#new-title');
    const slug = form.querySelector('#new-slug');
    title.addEventListener('input', () => {
      if (!slug.dataset.edited) {
        slug.value = title.value.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      }
    });
    slug.addEventListener('input', () => { slug.dataset.edited = 'yes'; });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {slug: slug.value, title: title.value};
      const fields = form.elements;
      if (fields.password.value) body.password = fields.password.value;
      if (fields.expiresAt.value) body.expiresAt = new Date(fields.expiresAt.value).toISOString();
      try {
        const created = await api('POST', '/api/admin/events', body);
        navigate('/admin/events/' + created.slug);
      } catch (failure) {
        status(message, failure.message, 'error');
      }
    });
    return form;
  }

  function storagePanel() {
    const facts = [['Backend', storage.backend]];
    if (storage.backend === 'local') {
      facts.push(['Root', storage.root]);
    } else {
      facts.push(['Bucket', storage.bucket], ['Prefix', storage.prefix || '(none)'],
        ['Endpoint', storage.endpoint || 'AWS S3'], ['Region', storage.region]);
    }
    const check = storage.startupCheck || {};
    facts.push(['Start-up check', el('span', {class: check.ok ? 'ok' : 'error',
      text: (check.ok ? 'passed' : 'failed') + (check.tookMs != null ? ' in ' + check.tookMs + ' ms' : '')
        + (check.message ? ': ' + check.message : '')})]);
    facts.push(['Largest upload', formatBytes(storage.maxUploadBytes)]);
    const autoImport = storage.autoImport || {mode: 'off'};
    if (autoImport.mode === 'folder-watcher') {
      facts.push(['Auto-import', 'folder watcher: files copied into events/active/<slug>/ are imported as they arrive']);
    } else if (autoImport.mode === 'prefix-walker') {
      facts.push(['Auto-import', 'S3 prefix walker, every ' + Math.round(autoImport.intervalMs / 1000) + ' s']);
    } else {
      facts.push(['Auto-import', 'off']);
    }
    if (autoImport.externalMediaRoot) facts.push(['Referenced media', autoImport.externalMediaRoot]);
    if (autoImport.events) facts.push(['Photo events go to', autoImport.events === 'eventbridge' ? 'EventBridge' : 'webhooks']);
    const lastPoll = autoImport.lastPoll;
    if (autoImport.mode === 'prefix-walker' && lastPoll == null) {
      facts.push(['Last poll', 'none yet']);
    } else if (lastPoll) {
      facts.push(['Last poll', formatTime(lastPoll.startedAt) + ', ' + lastPoll.durationMs + ' ms']);
      facts.push(['Last poll figures', lastPoll.events + ' events, ' + lastPoll.objectsListed + ' objects listed, '
        + lastPoll.newSightings + ' new, ' + lastPoll.waiting + ' waiting, ' + lastPoll.imported + ' imported, '
        + lastPoll.skipped + ' skipped, ' + lastPoll.failed + ' failed, ' + lastPoll.s3Requests + ' S3 requests']);
      if (lastPoll.errors && lastPoll.errors.length) {
        facts.push(['Last poll errors', el('span', {class: 'error', text: lastPoll.errors.join('; ')})]);
      }
      if (lastPoll.failures && lastPoll.failures.length) facts.push(['Not imported', lastPoll.failures.join('; ')]);
    }
    return el('section', {id: 'storage', class: 'card', 'aria-labelledby': 'storage-heading'},
      el('h2', {id: 'storage-heading', text: 'Storage'}),
      el('dl', {class: 'facts'}, facts.map(([name, value]) => [el('dt', {text: name}), el('dd', {}, value == null ? '—' : value)])));
  }

  // ---- jobs: archive, restore, delete, the sweep and polls answer 202 with a job that runs on its own ----
  const JOB_KINDS = {
    'event.archive': 'Archive', 'event.restore': 'Restore', 'event.delete': 'Delete', 'archive.sweep': 'Archive sweep',
    'autoimport.poll': 'Auto-import poll', 'downloadall.build': 'Download All archive'
  };

  function jobName(job) {
    return JOB_KINDS[job.kind] || job.kind;
  }

  function jobActive(job) {
    return job.state === 'queued' || job.state === 'running';
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** "3/10 photos", "1.2 MB/4.0 MB", "7 objects": how far a job got, or '' when it does not say yet. */
  function formatProgress(progress) {
    if (!progress || progress.done == null || (progress.total == null && !progress.done)) return '';
    const amount = progress.unit === 'bytes' ? formatBytes : String;
    const count = amount(progress.done) + (progress.total != null ? '/' + amount(progress.total) : '');
    return progress.unit === 'bytes' || !progress.unit ? count : count + ' ' + progress.unit;
  }

  /** A bar while the job runs: filled as far as it got, or moving when the total is not known. */
  function jobBar(job) {
    if (job.state !== 'running') return null;
    const progress = job.progress || {};
    const label = jobName(job) + ' of ' + job.target;
    return progress.total > 0
      ? el('progress', {max: String(progress.total), value: String(Math.min(progress.done || 0, progress.total)), 'aria-label': label})
      : el('progress', {'aria-label': label});
  }

  /** Where a job is: "queued", "copying photos (3/10 photos)", "succeeded at …", "failed: <reason>". */
  function jobSummary(job) {
    const progress = formatProgress(job.progress);
    const retry = job.lastError ? ' (attempt ' + (job.attempts + 1) + ' of ' + job.maxAttempts + '; last error: ' + job.lastError + ')' : '';
    switch (job.state) {
      case 'queued': return 'queued' + retry;
      case 'running': return ((job.progress && job.progress.phase) || 'running') + (progress ? ' (' + progress + ')' : '') + retry;
      case 'succeeded': return 'succeeded' + (job.finishedAt ? ' at ' + formatTime(job.finishedAt) : '');
      default: return 'failed' + (job.lastError ? ': ' + job.lastError : '');
    }
  }

  /** What a finished job reports, as far as its result says: "12 photos, 8.1 MB", "2 events to archive". */
  function jobResult(result) {
    if (!result) return '';
    const parts = [];
    if (typeof result.photos === 'number') parts.push(result.photos + (result.photos === 1 ? ' photo' : ' photos'));
    if (typeof result.length === 'number') parts.push(formatBytes(result.length));
    if (Array.isArray(result.archiving)) parts.push(result.archiving.length + ' events to archive');
    return parts.join(', ');
  }

  /** Shows a job in a status line: "Archiving… copying (3/10 photos)" and a bar while it runs, then how it ended. */
  function showJob(node, job, doing) {
    let text;
    if (job.state === 'succeeded') {
      const result = jobResult(job.result);
      text = jobName(job) + ' succeeded' + (result ? ': ' + result : '') + '.';
    } else if (job.state === 'failed') {
      text = jobName(job) + ' failed: ' + (job.lastError || 'no reason was given') + '.';
    } else {
      text = doing + '… ' + jobSummary(job);
    }
    node.className = job.state === 'failed' ? 'error' : job.state === 'succeeded' ? 'ok' : 'muted';
    node.dataset.jobId = job.id;
    node.dataset.state = job.state;
    const bar = jobBar(job);
    node.replaceChildren(text, ...(bar ? [' ', bar] : []));
  }

  /**
   * Follows a job until it ends, polling its url; onUpdate sees every state. The ended job, or null when
   * the admin went to another page meanwhile (the job runs on regardless).
   */
  async function followJob(job, onUpdate) {
    const mine = view;
    for (;;) {
      onUpdate(job);
      if (!jobActive(job)) return job;
      await sleep(JOB_POLL_MS);
      if (view !== mine) return null;
      job = await api('GET', job.url || '/api/admin/jobs/' + encodeURIComponent(job.id));
    }
  }

  /**
   * The admin home's jobs: the ones queued or running, with their progress, and the latest failures with
   * their reasons. Polls while a job is queued or running, and stops once none is or another page is shown.
   */
  function jobsPanel(onJobEnded) {
    const mine = view;
    const active = el('div', {id: 'jobs-active'});
    const failures = el('div', {id: 'jobs-failed'});
    const message = el('p', {role: 'status'});
    let following = new Set();

    async function list(state, limit) {
      return (await api('GET', '/api/admin/jobs?state=' + state + '&limit=' + limit)).jobs;
    }

    function jobsTable(id, jobs, columns, cells) {
      return el('table', {id, class: 'jobs'},
        el('thead', {}, el('tr', {}, columns.map((h) => el('th', {scope: 'col', text: h})))),
        el('tbody', {}, jobs.map((job) => el('tr', {'data-job-id': job.id, 'data-state': job.state}, cells(job)))));
    }

    async function refresh() {
      let jobs;
      let failed;
      try {
        // queued first: a job that starts meanwhile is then seen twice rather than not at all
        const queued = await list('queued', 50);
        const running = await list('running', 50);
        failed = await list('failed', 5);
        const seen = new Map();
        for (const job of [...running, ...queued]) if (!seen.has(job.id)) seen.set(job.id, job);
        jobs = [...seen.values()];
      } catch (failure) {
        if (view !== mine) return;
        if (failure.status !== 401) status(message, 'The jobs could not be read: ' + failure.message, 'error');
        if (following.size > 0 && failure.status !== 401) setTimeout(refresh, JOBS_PANEL_POLL_MS);
        return;
      }
      if (view !== mine) return;
      status(message, '');
      active.replaceChildren(jobs.length === 0
        ? el('p', {class: 'muted', text: 'No job is queued or running.'})
        : jobsTable('jobs-running', jobs, ['Job', 'Target', 'State', 'Progress'], (job) => [
          el('td', {text: jobName(job)}),
          el('td', {}, el('code', {text: job.target})),
          el('td', {}, el('span', {class: 'badge' + (job.state === 'running' ? ' on' : ''), text: job.state})),
          el('td', {}, jobBar(job), ' ', jobSummary(job))]));
      failures.replaceChildren(failed.length === 0 ? '' : el('h3', {text: 'Recent failures'}),
        failed.length === 0 ? '' : jobsTable('jobs-failures', failed, ['Job', 'Target', 'Ended', 'Reason'], (job) => [
          el('td', {text: jobName(job)}),
          el('td', {}, el('code', {text: job.target})),
          el('td', {text: formatTime(job.finishedAt || job.updatedAt)}),
          el('td', {class: 'error', text: job.lastError || 'no reason was given'})]));
      const now = new Set(jobs.map((job) => job.id));
      if ([...following].some((id) => !now.has(id))) onJobEnded();
      following = now;
      if (following.size > 0) setTimeout(refresh, JOBS_PANEL_POLL_MS);
    }

    refresh();
    return el('section', {id: 'jobs', class: 'card', 'aria-labelledby': 'jobs-heading'},
      el('h2', {id: 'jobs-heading', text: 'Jobs'}), active, failures, message);
  }

  // ---- /admin/events/{slug} ----
  // finished: the archive or restore job that just ended, shown again in the page it reloaded
  async function eventPage(slug, finished) {
    let event = await api('GET', '/api/admin/events/' + encodeURIComponent(slug));
    document.title = event.title + ' · PicPeak admin';
    const heading = el('h1', {text: event.title});
    const header = el('section', {class: 'card'},
      el('p', {}, el('a', {href: '/admin', onclick: linkTo('/admin'), text: '← All events'})),
      heading,
      el('p', {}, el('span', {id: 'event-state'}, eventState(event)), ' · ',
        el('a', {href: event.galleryUrl, target: '_blank', rel: 'noopener', text: 'Open the gallery'}),
        ' · ', el('code', {text: event.galleryUrl})));
    const photosSection = photosPanel(slug, () => event, (updated) => { event = updated; });
    main.replaceChildren(header,
      el('div', {class: 'two'},
        settingsForm(event, (updated) => {
          const passwordChanged = updated.hasPassword !== event.hasPassword;
          event = updated;
          heading.textContent = updated.title;
          if (passwordChanged) route(); // the form offers "Remove the password" only when there is one
        }),
        protectionPanel(event, (updated) => { event = updated; })),
      imageProtectionPanel(event, (updated) => { event = updated; }),
      uploadPanel(slug, () => photosSection.reload()),
      photosSection.node,
      guestsPanel(slug, () => event, (updated) => { event = updated; }),
      activityPanel(slug),
      archivePanel(event, finished),
      dangerPanel(event));
    await photosSection.reload();
  }

  function settingsForm(event, onSaved) {
    const message = el('p', {role: 'status'});
    const expires = event.expiresAt ? toLocalInput(event.expiresAt) : '';
    const form = el('form', {id: 'settings', class: 'card', 'aria-labelledby': 'settings-heading'},
      el('h2', {id: 'settings-heading', text: 'Event'}),
      el('label', {for: 'title', text: 'Title'}), el('input', {id: 'title', name: 'title', required: true, value: event.title}),
      el('label', {for: 'password', text: event.hasPassword ? 'New password (leave empty to keep it)' : 'Password (optional)'}),
      el('input', {id: 'password', name: 'password', type: 'password', autocomplete: 'new-password'}),
      event.hasPassword ? el('label', {class: 'check'}, el('input', {type: 'checkbox', name: 'removePassword'}), 'Remove the password') : null,
      el('label', {for: 'expires', text: 'Expires (empty: never)'}),
      el('input', {id: 'expires', name: 'expiresAt', type: 'datetime-local', value: expires}),
      el('label', {class: 'check'}, el('input', {type: 'checkbox', name: 'active', checked: event.active}), 'Gallery is open to guests'),
      el('label', {class: 'check'}, el('input', {type: 'checkbox', name: 'allowDownloads', checked: event.allowDownloads}), 'Guests may download photos'),
      downloadSizesFieldset(event.downloadSizes || ['original']),
      el('p', {}, el('button', {type: 'submit', text: 'Save'})), message);
    form.addEventListener('submit', async (submit) => {
      submit.preventDefault();
      const fields = form.elements;
      const body = {
        title: fields.title.value,
        expiresAt: fields.expiresAt.value ? new Date(fields.expiresAt.value).toISOString() : null,
        active: fields.active.checked,
        allowDownloads: fields.allowDownloads.checked,
        downloadSizes: Array.from(form.querySelectorAll('input[name=downloadSize]:checked'), (box) => box.value)
      };
      if (fields.removePassword && fields.removePassword.checked) body.password = null;
      else if (fields.password.value) body.password = fields.password.value;
      try {
        const updated = await api('PATCH', '/api/admin/events/' + event.slug, body);
        onSaved(updated);
        fields.password.value = '';
        status(message, 'Saved.', 'ok');
      } catch (failure) {
        status(message, failure.message, 'error');
      }
    });
    return form;
  }

  /** The sizes guests may download, single photos and Download All; the original is always offered. */
  function downloadSizesFieldset(offered) {
    const sizes = [['original', 'Original (always offered)'], ['large', 'Large (2560 px)'], ['web', 'Web (2048 px)']];
    return el('fieldset', {id: 'download-sizes'},
      el('legend', {text: 'Download sizes'}),
      sizes.map(([size, label]) => el('label', {class: 'check'},
        el('input', {type: 'checkbox', name: 'downloadSize', value: size, id: 'download-size-' + size,
          checked: size === 'original' || offered.includes(size), disabled: size === 'original'}),
        label)));
  }

  function toLocalInput(iso) {
    const date = new Date(iso);
    const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 16);
  }

  /**
   * Download protection. Direct S3 download needs the S3 backend and cannot be on while downloads are
   * watermarked; turning watermarking on turns it off, and turning watermarking off leaves it off
   * (the server enforces the same rules: DownloadRules).
   */
  function protectionPanel(event, onSaved) {
    const message = el('p', {id: 'protection-status', role: 'status'});
    const watermark = el('input', {id: 'watermark-downloads', type: 'checkbox', checked: event.watermarkDownloads});
    const direct = el('input', {id: 'direct-download', type: 'checkbox', checked: event.allowDirectS3Download,
      'aria-describedby': 'direct-download-reason'});
    const reason = el('p', {id: 'direct-download-reason', class: 'hint'});
    const directLabel = el('label', {class: 'check', for: 'direct-download'}, direct,
      'Allow direct S3 download (no watermark, S3 mode only)');
    const watermarkFile = el('input', {id: 'watermark-file', type: 'file', accept: 'image/png'});

    function render(current) {
      watermark.checked = current.watermarkDownloads;
      direct.checked = current.allowDirectS3Download;
      let why = '';
      if (storage.backend !== 's3') {
        why = 'Not available: this server stores photos on the local disk (STORAGE_BACKEND=local), so every download goes through it.';
      } else if (current.watermarkDownloads) {
        why = 'Not available while downloads are watermarked: a direct download would be the originals without the watermark.';
      }
      direct.disabled = why !== '';
      directLabel.classList.toggle('disabled', direct.disabled);
      reason.textContent = why || 'Download All becomes a 5-minute link straight to the storage, which can be forwarded.';
    }

    async function save(change) {
      try {
        const updated = await api('PATCH', '/api/admin/events/' + event.slug, change);
        event = updated;
        onSaved(updated);
        render(updated);
        status(message, 'Saved.', 'ok');
      } catch (failure) {
        render(event);
        status(message, failure.message, 'error');
      }
    }

    watermark.addEventListener('change', () => {
      if (watermark.checked) { // it wins at once: what the server will answer
        direct.checked = false;
      }
      render({watermarkDownloads: watermark.checked, allowDirectS3Download: direct.checked});
      save({watermarkDownloads: watermark.checked});
    });
    direct.addEventListener('change', () => save({allowDirectS3Download: direct.checked}));
    watermarkFile.addEventListener('change', async () => {
      const file = watermarkFile.files[0];
      if (!file) return;
      try {
        const response = await fetch('/api/admin/events/' + event.slug + '/watermark', {
          method: 'PUT', headers: {Authorization: 'Bearer ' + token(), 'Content-Type': 'image/png'}, body: file});
        const body = await response.json();
        if (!response.ok) throw new Error(body.message);
        status(message, 'Watermark image saved (' + file.name + ').', 'ok');
      } catch (failure) {
        status(message, 'The watermark was refused: ' + failure.message, 'error');
      }
      watermarkFile.value = '';
    });
    render(event);
    return el('section', {id: 'protection', class: 'card', 'aria-labelledby': 'protection-heading'},
      el('h2', {id: 'protection-heading', text: 'Download protection'}),
      el('label', {class: 'check', for: 'watermark-downloads'}, watermark, 'Add watermark to downloads'),
      el('p', {class: 'hint', text: 'Single downloads and Download All get the watermark; viewing is unchanged.'}),
      directLabel, reason,
      el('label', {for: 'watermark-file', text: 'Watermark image for this event (PNG with transparency)'}), watermarkFile,
      el('p', {class: 'hint', text: 'Without one, the global watermark is used.'}),
      message);
  }

  const LEVELS = {
    basic: 'Basic: the stored photos as they are.',
    standard: 'Standard: as basic; the gallery discourages saving (no context menu, no dragging).',
    enhanced: 'Enhanced: every image carries a fingerprint of the guest\'s session (kept in the access log); '
      + 'image links need a short-lived token; each visitor is rate limited.',
    maximum: 'Maximum: as enhanced, and photos are shown only as tiles put together on a canvas.'
  };

  /** Protection level, the view watermark and its placement, and tracing a leaked image to a session. */
  function imageProtectionPanel(event, onSaved) {
    const message = el('p', {id: 'image-protection-status', role: 'status'});
    const level = el('select', {id: 'protection-level', name: 'protectionLevel'},
      Object.keys(LEVELS).map((name) => el('option', {value: name, text: name[0].toUpperCase() + name.slice(1),
        selected: event.protectionLevel === name})));
    const levelHint = el('p', {id: 'protection-level-hint', class: 'hint', text: LEVELS[event.protectionLevel]});
    level.addEventListener('change', () => { levelHint.textContent = LEVELS[level.value]; });
    const views = el('input', {id: 'watermark-views', name: 'watermarkViews', type: 'checkbox', checked: event.watermarkViews});
    const position = el('select', {id: 'watermark-position', name: 'watermarkPosition'},
      ['top-left', 'top-right', 'center', 'bottom-left', 'bottom-right'].map((name) =>
        el('option', {value: name, text: name.replace('-', ' '), selected: event.watermarkPosition === name})));
    const size = el('input', {id: 'watermark-size', name: 'watermarkSize', type: 'number', min: 5, max: 100,
      value: event.watermarkSize});
    const opacity = el('input', {id: 'watermark-opacity', name: 'watermarkOpacity', type: 'number', min: 5, max: 100,
      value: event.watermarkOpacity});
    const fragments = el('input', {id: 'fragmentation-level', name: 'fragmentationLevel', type: 'number', min: 2, max: 8,
      value: event.fragmentationLevel});
    const form = el('form', {id: 'image-protection', class: 'card', 'aria-labelledby': 'image-protection-heading'},
      el('h2', {id: 'image-protection-heading', text: 'Image protection'}),
      el('label', {for: 'protection-level', text: 'Protection level'}), level, levelHint,
      el('label', {class: 'check', for: 'watermark-views'}, views, 'Watermark photos shown in the gallery'),
      el('label', {for: 'watermark-position', text: 'Watermark position'}), position,
      el('label', {for: 'watermark-size', text: 'Watermark width (% of the photo)'}), size,
      el('label', {for: 'watermark-opacity', text: 'Watermark opacity (%)'}), opacity,
      el('label', {for: 'fragmentation-level', text: 'Tiles per side at maximum'}), fragments,
      el('p', {}, el('button', {type: 'submit', text: 'Save protection'})), message);
    form.addEventListener('submit', async (submit) => {
      submit.preventDefault();
      try {
        const updated = await api('PATCH', '/api/admin/events/' + event.slug, {
          protectionLevel: level.value, watermarkViews: views.checked, watermarkPosition: position.value,
          watermarkSize: Number(size.value), watermarkOpacity: Number(opacity.value),
          fragmentationLevel: Number(fragments.value)
        });
        event = updated;
        onSaved(updated);
        status(message, 'Saved.', 'ok');
      } catch (failure) {
        status(message, failure.message, 'error');
      }
    });
    const leaked = el('input', {id: 'trace-file', type: 'file', accept: 'image/jpeg,image/png'});
    const traced = el('p', {id: 'trace-result', role: 'status'});
    leaked.addEventListener('change', async () => {
      const file = leaked.files[0];
      if (!file) return;
      try {
        const response = await fetch('/api/admin/fingerprints/lookup', {method: 'POST',
          headers: {Authorization: 'Bearer ' + token(), 'Content-Type': file.type || 'application/octet-stream'}, body: file});
        const body = await response.json();
        if (!response.ok) throw new Error(body.message);
        status(traced, 'Fingerprint ' + body.fingerprint + ': session ' + body.session + ' of ' + body.event
          + ', photo ' + body.photoId + ', first received ' + formatTime(body.firstServedAt) + ', '
          + body.serves + ' time(s), client ' + body.clientHash + '.', 'ok');
      } catch (failure) {
        status(traced, failure.message, 'error');
      }
      leaked.value = '';
    });
    form.append(el('label', {for: 'trace-file', text: 'Trace a leaked image (enhanced and maximum)'}), leaked, traced);
    return form;
  }

  // ---- uploads ----
  function uploadPanel(slug, onImported) {
    const input = el('input', {id: 'upload-files', type: 'file', multiple: true, accept: 'image/jpeg,image/png,image/webp'});
    const list = el('ul', {id: 'uploads', class: 'uploads', 'aria-label': 'Uploads'});
    const summary = el('p', {id: 'upload-summary', role: 'status'});
    const zone = el('div', {id: 'dropzone', class: 'dropzone'},
      el('p', {text: 'Drop photos here (JPEG, PNG, WebP; as many as you like)'}),
      el('label', {for: 'upload-files', text: 'or choose files'}), input);
    const queue = [];
    let running = 0;
    let done = 0;
    let failed = 0;

    function enqueue(files) {
      for (const file of files) {
        const progress = el('progress', {max: '100', value: '0', 'aria-label': 'Upload of ' + file.name});
        const state = el('span', {class: 'muted', text: 'waiting'});
        const row = el('li', {'data-filename': file.name}, el('span', {text: file.name + ' (' + formatBytes(file.size) + ')'}), progress, state);
        list.append(row);
        queue.push({file, progress, state, row});
      }
      pump();
    }

    function pump() {
      while (running < PARALLEL_UPLOADS && queue.length > 0) {
        const job = queue.shift();
        running++;
        upload(slug, job).then((ok) => {
          running--;
          if (ok) done++; else failed++;
          summary.textContent = done + ' uploaded' + (failed ? ', ' + failed + ' failed' : '') + (queue.length + running ? ', ' + (queue.length + running) + ' to go' : '');
          summary.className = failed ? 'error' : 'ok';
          if (ok) onImported();
          pump();
        });
      }
    }

    input.addEventListener('change', () => {
      enqueue(Array.from(input.files));
      input.value = '';
    });
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      enqueue(Array.from(event.dataTransfer.files));
    });
    return el('section', {id: 'upload', class: 'card', 'aria-labelledby': 'upload-heading'},
      el('h2', {id: 'upload-heading', text: 'Upload photos'}), zone, summary, list);
  }

  // One file: S3 mode puts it straight into the bucket with a presigned URL, then asks the server to import
  // it (API Gateway could not carry a large body); local mode posts it to the server. Each with progress.
  async function upload(slug, job) {
    job.state.textContent = 'uploading';
    try {
      if (storage.backend === 's3') {
        const ticket = await api('POST', '/api/admin/events/' + slug + '/uploads',
          {filename: job.file.name, contentType: job.file.type || 'application/octet-stream'});
        await send('PUT', ticket.url, ticket.headers, job.file, job.progress, false);
        job.state.textContent = 'importing';
        // the import is a job (a large file takes longer than a request may): follow it until it ends
        const imported = await followJob(await api('POST', ticket.completeUrl, {filename: job.file.name}), () => {});
        if (imported && imported.state === 'failed') throw new Error(imported.lastError || 'the import failed');
      } else {
        const form = new FormData();
        form.append('files', job.file, job.file.name);
        const result = await send('POST', '/api/admin/events/' + slug + '/photos', {Authorization: 'Bearer ' + token()},
          form, job.progress, true);
        if (result.failed > 0) throw new Error(result.results[0].error.message);
      }
      job.progress.value = 100;
      job.state.textContent = 'done';
      job.state.className = 'ok';
      job.row.dataset.state = 'done';
      return true;
    } catch (failure) {
      job.state.textContent = failure.message;
      job.state.className = 'error';
      job.row.dataset.state = 'failed';
      return false;
    }
  }

  function send(method, url, headers, body, progress, json) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open(method, url);
      for (const [name, value] of Object.entries(headers || {})) request.setRequestHeader(name, value);
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) progress.value = Math.round(event.loaded * 100 / event.total);
      });
      request.addEventListener('load', () => {
        let parsed = null;
        if (json) {
          try {
            parsed = JSON.parse(request.responseText);
          } catch (notJson) {
            parsed = null;
          }
        }
        if (request.status >= 200 && request.status < 300) {
          resolve(parsed);
        } else {
          const single = parsed && parsed.results && parsed.results[0] && parsed.results[0].error;
          reject(new Error((single && single.message) || (parsed && parsed.message) || 'HTTP ' + request.status));
        }
      });
      request.addEventListener('error', () => reject(new Error('the upload was interrupted (network)')));
      request.send(body);
    });
  }

  // ---- photos: hero, delete ----
  function photosPanel(slug, currentEvent, onEvent) {
    const list = el('ul', {id: 'photos', class: 'photos', 'aria-label': 'Photos of this event'});
    const message = el('p', {role: 'status'});
    const count = el('p', {class: 'muted'});
    const objectUrls = [];

    async function thumbnail(img, url) {
      const response = await fetch(url, {headers: {Authorization: 'Bearer ' + token()}});
      if (!response.ok) return;
      const blobUrl = URL.createObjectURL(await response.blob());
      objectUrls.push(blobUrl);
      img.src = blobUrl;
    }

    async function reload() {
      const photos = [];
      let cursor = null;
      do {
        const page = await api('GET', '/api/admin/events/' + slug + '/photos?limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
        photos.push(...page.photos);
        cursor = page.nextCursor;
      } while (cursor);
      objectUrls.splice(0).forEach((url) => URL.revokeObjectURL(url));
      const heroId = currentEvent().heroPhotoId;
      count.textContent = photos.length + (photos.length === 1 ? ' photo' : ' photos');
      list.replaceChildren(...photos.map((photo) => {
        const img = el('img', {alt: photo.filename, width: '300', height: '300', loading: 'lazy'});
        thumbnail(img, photo.adminThumbnailUrl);
        const isHero = photo.id === heroId;
        return el('li', {class: isHero ? 'is-hero' : null, 'data-photo-id': photo.id}, img,
          el('p', {class: 'meta'}, photo.filename, el('br'), el('span', {class: 'muted', text: formatBytes(photo.size) + ' · ' + photo.width + '×' + photo.height}),
            isHero ? [' ', el('span', {class: 'badge on', text: 'hero'})] : null),
          el('p', {class: 'row'},
            el('button', {type: 'button', class: 'secondary', disabled: isHero, 'aria-label': 'Use ' + photo.filename + ' as the hero image',
              text: 'Set as hero', onclick: () => setHero(photo)}),
            el('button', {type: 'button', class: 'danger', 'aria-label': 'Delete ' + photo.filename,
              text: 'Delete', onclick: () => remove(photo)})));
      }));
    }

    async function setHero(photo) {
      status(message, 'Rendering the hero image…');
      try {
        onEvent(await api('PUT', '/api/admin/events/' + slug + '/hero', {photoId: photo.id}));
        status(message, photo.filename + ' is the hero image.', 'ok');
        await requestReload();
      } catch (failure) {
        status(message, failure.message, 'error');
      }
    }

    async function remove(photo) {
      if (!confirm('Delete ' + photo.filename + '? This removes the original, its thumbnail and copies.')) return;
      try {
        await api('DELETE', '/api/admin/events/' + slug + '/photos/' + photo.id);
        if (currentEvent().heroPhotoId === photo.id) onEvent(await api('GET', '/api/admin/events/' + slug));
        status(message, photo.filename + ' was deleted.', 'ok');
        await requestReload();
      } catch (failure) {
        status(message, failure.message, 'error');
      }
    }

    // Many uploads finishing together: one reload runs at a time, and one more afterwards covers them all.
    let running = null;
    let again = false;
    function requestReload() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await reload();
        } while (again);
      })().finally(() => { running = null; });
      return running;
    }

    return {
      node: el('section', {id: 'photos-panel', class: 'card', 'aria-labelledby': 'photos-heading'},
        el('h2', {id: 'photos-heading', text: 'Photos'}), count, message, list),
      reload: requestReload
    };
  }

  /**
   * Guests and their selections (docs/selections.md): guest identity and the favourites cap, the guests with their
   * counts and states (a new guest's PIN is shown once), each selection's picks as thumbnails, the exports.
   */
  function guestsPanel(slug, currentEvent, onEvent) {
    const base = '/api/admin/events/' + slug;
    const message = el('p', {role: 'status'});
    const guests = el('ul', {id: 'guests', class: 'guests', 'aria-label': 'Guests of this event'});
    const selections = el('div', {id: 'selections'});
    const identity = el('select', {id: 'guest-identity', 'aria-label': 'Guest identity'},
      ['none', 'name', 'pin'].map((value) => el('option', {value, text: value === 'none' ? 'anonymous'
        : value === 'name' ? 'name at the door' : 'PIN per guest'})));
    const limit = el('input', {id: 'favourites-limit', type: 'number', min: '1', max: '10000',
      placeholder: 'no cap', 'aria-label': 'Favourites per guest'});
    const name = el('input', {id: 'new-guest-name', maxlength: '100', placeholder: 'Name', 'aria-label': 'New guest name'});
    const email = el('input', {id: 'new-guest-email', type: 'email', placeholder: 'Email (optional)', 'aria-label': 'New guest email'});

    async function thumbnail(img, url) {
      const response = await fetch(url, {headers: {Authorization: 'Bearer ' + token()}});
      if (response.ok) img.src = URL.createObjectURL(await response.blob());
    }

    async function download(format) {
      const response = await fetch(base + '/selections?format=' + format, {headers: {Authorization: 'Bearer ' + token()}});
      if (!response.ok) {
        status(message, 'The export failed: HTTP ' + response.status, 'error');
        return;
      }
      const link = el('a', {href: URL.createObjectURL(await response.blob()),
        download: slug + '-selections.' + (format === 'xmp' ? 'zip' : format)});
      document.body.append(link);
      link.click();
      link.remove();
      status(message, 'The ' + format + ' export is downloaded.', 'ok');
    }

    async function reload() {
      const event = currentEvent();
      identity.value = event.guestIdentity || 'none';
      limit.value = event.favouritesLimit == null ? '' : String(event.favouritesLimit);
      const listed = (await api('GET', base + '/guests')).guests;
      guests.replaceChildren(...listed.map((guest) => el('li', {'data-guest-id': guest.id},
        el('strong', {text: guest.name}), ' ', el('span', {class: 'muted', text: guest.email || ''}), ' · ',
        el('span', {class: 'count', text: guest.count + (guest.count === 1 ? ' pick' : ' picks')}), ' · ',
        el('span', {class: 'badge' + (guest.state === 'sent' ? ' on' : ''), text: guest.state}), ' ',
        el('button', {type: 'button', class: 'secondary', text: 'New PIN', onclick: async () => {
          const reset = await api('POST', base + '/guests/' + guest.id + '/reset-pin');
          status(message, 'New PIN for ' + reset.name + ': ' + reset.pin + ' (shown once)', 'ok');
        }}), ' ',
        el('button', {type: 'button', class: 'danger', text: 'Remove', onclick: async () => {
          if (!confirm('Remove ' + guest.name + ' and their picks?')) return;
          await api('DELETE', base + '/guests/' + guest.id);
          await reload();
        }}))));
      const all = (await api('GET', base + '/selections')).selections;
      selections.replaceChildren(...all.map((selection) => el('div', {class: 'selection', 'data-selection-id': selection.selectionId},
        el('h3', {text: selection.guestName + ' · ' + selection.count + ' · ' + selection.state}),
        selection.note ? el('p', {class: 'muted', text: '“' + selection.note + '”'}) : null,
        el('p', {class: 'picks'}, selection.favourites.map((pick) => {
          const img = el('img', {alt: pick.filename, title: pick.filename, width: '64', height: '64'});
          thumbnail(img, pick.thumbnailUrl);
          return img;
        })),
        selection.state === 'sent' ? el('button', {type: 'button', class: 'secondary', text: 'Unlock', onclick: async () => {
          await api('POST', base + '/selections/' + selection.selectionId + '/unlock');
          await reload();
        }}) : null)));
    }

    const settings = el('form', {class: 'row', onsubmit: async (submitted) => {
      submitted.preventDefault();
      try {
        onEvent(await api('PATCH', base, {guestIdentity: identity.value,
          favouritesLimit: limit.value === '' ? null : Number(limit.value)}));
        status(message, 'Saved.', 'ok');
        await reload();
      } catch (failure) {
        status(message, failure.message, 'error');
      }
    }}, identity, limit, el('button', {type: 'submit', text: 'Save'}));
    const create = el('form', {class: 'row', onsubmit: async (submitted) => {
      submitted.preventDefault();
      try {
        const guest = await api('POST', base + '/guests', {name: name.value, email: email.value || null});
        status(message, guest.name + "'s PIN: " + guest.pin + ' (shown once: write it down)', 'ok');
        name.value = '';
        email.value = '';
        await reload();
      } catch (failure) {
        status(message, failure.message, 'error');
      }
    }}, name, email, el('button', {type: 'submit', text: 'Add guest'}));
    const exports = el('p', {class: 'row'}, 'Export: ',
      ['csv', 'txt', 'xmp', 'json'].map((format) => el('button', {type: 'button', class: 'secondary',
        id: 'export-' + format, text: format === 'xmp' ? 'XMP sidecars' : format.toUpperCase(),
        onclick: () => download(format)})));
    const node = el('section', {id: 'guests-panel', class: 'card', 'aria-labelledby': 'guests-heading'},
      el('h2', {id: 'guests-heading', text: 'Guests and selections'}), settings, create, message, guests, exports,
      selections);
    reload().catch((failure) => status(message, failure.message, 'error'));
    return node;
  }

  /** The activity report: totals, the top photos, and who downloaded what (with the guest's name where known). */
  function activityPanel(slug) {
    const base = '/api/admin/events/' + slug + '/activity';
    const message = el('p', {role: 'status'});
    const totals = el('p', {id: 'activity-totals'});
    const top = el('ol', {id: 'activity-photos', 'aria-label': 'Top photos'});
    const who = el('ul', {id: 'activity-downloaders', 'aria-label': 'Who downloaded what'});

    async function reload() {
      const report = await api('GET', base);
      const t = report.totals;
      totals.textContent = t.views + ' views · ' + t.downloads + ' downloads · ' + t.archives + ' Download All ('
        + t.archivePhotos + ' photos) · ' + t.downloaders + (t.downloaders === 1 ? ' visitor' : ' visitors');
      top.replaceChildren(...report.photos.slice(0, 10).map((photo) => el('li', {'data-photo-id': photo.photoId,
        text: photo.photoId + ': ' + photo.views + ' views, ' + photo.downloads + ' downloads'})));
      who.replaceChildren(...report.downloaders.map((d) => el('li', {'data-downloader': d.downloader},
        el('strong', {text: d.name || d.downloader}), ' · ' + d.downloads + ' downloads'
          + (d.archives ? ', ' + d.archives + ' Download All' : '') + ', ' + d.views + ' views',
        d.photos.length ? el('span', {class: 'muted', text: ' · ' + d.photos.map((p) => p.photoId).join(', ')}) : null)));
    }

    async function csv() {
      const response = await fetch(base + '?format=csv', {headers: {Authorization: 'Bearer ' + token()}});
      if (!response.ok) {
        status(message, 'The export failed: HTTP ' + response.status, 'error');
        return;
      }
      const link = el('a', {href: URL.createObjectURL(await response.blob()), download: slug + '-activity.csv'});
      document.body.append(link);
      link.click();
      link.remove();
    }

    const node = el('section', {id: 'activity-panel', class: 'card', 'aria-labelledby': 'activity-heading'},
      el('h2', {id: 'activity-heading', text: 'Activity'}), message, totals,
      el('h3', {text: 'Top photos'}), top, el('h3', {text: 'Who downloaded what'}), who,
      el('p', {class: 'row'},
        el('button', {type: 'button', class: 'secondary', id: 'activity-refresh', text: 'Refresh',
          onclick: () => reload().catch((failure) => status(message, failure.message, 'error'))}),
        el('button', {type: 'button', class: 'secondary', id: 'activity-csv', text: 'CSV', onclick: csv})));
    reload().catch((failure) => status(message, failure.message, 'error'));
    return node;
  }

  /** Archive (an event that is not archived) or Restore (one that is): a job, followed here until it ends. */
  function archivePanel(event, finished) {
    const archived = Boolean(event.archivedAt);
    const message = el('p', {id: 'archive-status', role: 'status'});
    const button = el('button', {id: archived ? 'restore-event' : 'archive-event', type: 'button', class: 'secondary',
      text: archived ? 'Restore' : 'Archive'});
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const job = await followJob(await api('POST', '/api/admin/events/' + event.slug + (archived ? '/restore' : '/archive')),
          (current) => showJob(message, current, archived ? 'Restoring' : 'Archiving'));
        if (job && job.state === 'succeeded') {
          await route(job); // the event changed throughout: show it again, with how the job ended
          return;
        }
      } catch (failure) {
        status(message, failure.message, 'error');
      }
      button.disabled = false;
    });
    if (finished) showJob(message, finished);
    return el('section', {id: 'archive', class: 'card', 'aria-labelledby': 'archive-heading'},
      el('h2', {id: 'archive-heading', text: 'Archive'}),
      el('p', {class: 'muted', text: archived
        ? 'Archived on ' + formatTime(event.archivedAt) + ': the photos are kept in one ZIP in the storage. '
          + 'Restore puts every photo back, with its thumbnail and the hero.'
        : 'Writes the photos into one ZIP in the storage, checked against the catalog, then removes them with their '
          + 'thumbnails. Restore brings them back. Expired events are archived by the daily sweep.'}),
      el('p', {}, button), message);
  }

  function dangerPanel(event) {
    const message = el('p', {id: 'delete-status', role: 'status'});
    const button = el('button', {id: 'delete-event', type: 'button', class: 'danger', text: 'Delete event'});
    button.addEventListener('click', async () => {
      if (!confirm('Delete the event "' + event.title + '" and all its photos?')) return;
      button.disabled = true;
      try {
        const job = await followJob(await api('DELETE', '/api/admin/events/' + event.slug),
          (current) => showJob(message, current, 'Deleting'));
        if (job && job.state === 'succeeded') {
          navigate('/admin');
          return;
        }
      } catch (failure) {
        status(message, failure.message, 'error');
      }
      button.disabled = false;
    });
    return el('section', {class: 'card', 'aria-labelledby': 'danger-heading'},
      el('h2', {id: 'danger-heading', text: 'Delete the event'}),
      el('p', {class: 'muted', text: 'Removes the event with every photo, thumbnail and archive. This cannot be undone.'}),
      button, message);
  }

  route();
})();
