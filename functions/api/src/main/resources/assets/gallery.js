// The guest gallery page (/gallery/{slug}). Every image URL comes from the API's JSON (thumbnails, previews,
// url, downloadUrl, heroUrl, downloadAllUrl): the page never builds one, so the server may change them.
// The grid shows the thumbnail tiers (1x, 2x) and the viewer the preview tiers by srcset; the original is
// fetched only by "Download" and "View original".
'use strict';

(function () {
  const PAGE_SIZE = 60;

  const formatBytes = window.PicPeakFormat.bytes; // assets/format.js

  async function errorMessage(response) {
    try {
      const body = await response.json();
      return body.message || response.statusText;
    } catch (notJson) {
      return response.status + ' ' + response.statusText;
    }
  }

  // ---- the password form ----
  const auth = document.getElementById('auth');
  /** A field of the door's form by its name (the form has only the ones the gallery asks for), or undefined. */
  function field(name) {
    const input = auth.elements.namedItem(name);
    return input && input.value ? input.value : undefined;
  }
  if (auth) {
    auth.addEventListener('submit', async (event) => {
      event.preventDefault();
      const message = document.getElementById('auth-error');
      const button = auth.querySelector('button');
      message.textContent = '';
      button.disabled = true;
      try {
        const response = await fetch(auth.dataset.authUrl, {
          method: 'POST',
          headers: {'Content-Type': 'application/json'},
          credentials: 'same-origin',
          // the password, and the name or the PIN where the gallery asks who the guest is
          body: JSON.stringify({
            password: field('password'), name: field('name'), email: field('email'), pin: field('pin')
          })
        });
        if (response.ok) {
          location.reload();
          return;
        }
        let code = '';
        try { code = (await response.clone().json()).error; } catch (notJson) { /* the text below */ }
        message.textContent = code === 'wrong_password' ? 'Wrong password. Please try again.'
          : code === 'wrong_pin' ? 'Wrong PIN. Please check it and try again.'
          : await errorMessage(response);
        const wrong = auth.elements.namedItem(code === 'wrong_pin' ? 'pin' : 'password');
        if (wrong) wrong.select();
      } catch (network) {
        message.textContent = 'The gallery could not be reached. Check your connection and try again.';
      } finally {
        button.disabled = false;
      }
    });
    return;
  }

  const main = document.getElementById('gallery');
  if (!main) return;

  const grid = document.getElementById('grid');
  const more = document.getElementById('more');
  const gridStatus = document.getElementById('grid-status');
  const photos = [];
  let info = null;
  let nextCursor = null;
  let exhausted = false;
  let loading = null;

  // ---- the viewer ----
  const viewer = document.getElementById('viewer');
  const stage = document.getElementById('viewer-stage');
  const caption = document.getElementById('viewer-caption');
  const position = document.getElementById('viewer-position');
  const viewerDownload = document.getElementById('viewer-download');
  const viewerOriginal = document.getElementById('viewer-original');
  const viewerSizes = document.getElementById('viewer-sizes');
  const SIZE_LABELS = {large: 'Large (2560 px)', web: 'Web (2048 px)'};
  const prev = document.getElementById('viewer-prev');
  const next = document.getElementById('viewer-next');
  let current = -1;

  /** Asks for what showing or downloading a photo needs: at enhanced and maximum, a short-lived token. */
  async function grant(photo, purpose) {
    const response = await fetch(photo.accessUrl, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      credentials: 'same-origin',
      body: JSON.stringify({purpose: purpose})
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    return response.json();
  }

  /** The srcset of a photo's preview tiers: each URL with its width. */
  function previewSrcset(previews) {
    return previews.map((tier) => tier.url + ' ' + tier.width + 'w').join(', ');
  }

  function renderImage(container, photo, url, previews) {
    const img = document.createElement('img');
    if (previews && previews.length) {
      // the stage is the whole window, less the bar and the arrows: the browser picks the tier that fills it
      img.sizes = '100vw';
      img.srcset = previewSrcset(previews);
      img.src = previews[0].url;
    } else {
      img.src = url;
    }
    img.alt = photo.filename;
    img.draggable = false;
    if (photo.width && photo.height) {
      img.width = photo.width;
      img.height = photo.height;
    }
    img.decoding = 'async';
    container.replaceChildren(img);
  }

  // Maximum protection: the photo exists only as tiles, each fetched with the token and drawn on a canvas.
  function renderTiles(container, photo, tiles) {
    const canvas = document.createElement('canvas');
    canvas.width = tiles.width;
    canvas.height = tiles.height;
    canvas.className = 'tiled';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', photo.filename);
    canvas.dataset.tiles = String(tiles.items.length);
    canvas.dataset.drawn = '0';
    const context = canvas.getContext('2d');
    for (const item of tiles.items) {
      const part = new Image();
      part.onload = () => {
        context.drawImage(part, item.x, item.y, item.width, item.height);
        canvas.dataset.drawn = String(Number(canvas.dataset.drawn) + 1);
      };
      part.src = item.url;
    }
    container.replaceChildren(canvas);
  }

  /** Shows one photo in the viewer's stage: the only place that renders a full photo. */
  async function renderPhoto(container, photo) {
    if (!info.imageTokensRequired) {
      renderImage(container, photo, photo.url, photo.previews);
      return;
    }
    try {
      const access = await grant(photo, 'view');
      if (photos[current] !== photo || !viewer.open) return; // the guest moved on meanwhile
      if (access.tiles) {
        renderTiles(container, photo, access.tiles);
      } else {
        renderImage(container, photo, access.url, access.previews);
      }
    } catch (failure) {
      const message = document.createElement('p');
      message.className = 'error';
      message.textContent = 'This photo could not be shown: ' + failure.message;
      container.replaceChildren(message);
    }
  }

  /**
   * A download link: at enhanced and maximum it fetches a token first, then lets the browser download. {@code size}
   * (large, web; none: the original) picks one of the photo's downloadSizes, whose URLs the listing gives.
   */
  function downloadLink(link, photo, size) {
    link.dataset.photoId = photo.id;
    link.href = size ? photo.downloadSizes[size] : photo.downloadUrl;
    // the name the server gives a sized copy: IMG_1.png at "web" is IMG_1-web.jpg
    const name = size ? photo.filename.replace(/\.[^.]+$/, '') + '-' + size + '.jpg' : photo.filename;
    link.setAttribute('download', name);
    link.setAttribute('aria-label', 'Download ' + photo.filename + (size ? ' at ' + SIZE_LABELS[size] : ''));
    link.onclick = info.imageTokensRequired ? async (event) => {
      event.preventDefault();
      if (link.getAttribute('aria-disabled') === 'true') return;
      countDownload(photo);
      try {
        const access = await grant(photo, 'download');
        const once = document.createElement('a');
        once.href = size ? access.url + (access.url.includes('?') ? '&' : '?') + 'size=' + size : access.url;
        once.setAttribute('download', name);
        document.body.appendChild(once);
        once.click();
        once.remove();
      } catch (failure) {
        gridStatus.textContent = 'The download could not start: ' + failure.message;
      }
    } : (event) => {
      if (link.getAttribute('aria-disabled') === 'true') {
        event.preventDefault();
        return;
      }
      countDownload(photo);
    };
    limitDownloads();
  }

  // ---- the download limit: "3 of 10 downloads used"; what would exceed it is disabled (the server decides) ----
  const downloadedHere = new Set(); // photos this page downloaded: free again at any size

  function countDownload(photo) {
    downloadedHere.add(photo.id);
    // the count changes once the server has granted it: read it again shortly
    setTimeout(refreshDownloads, 800);
  }

  async function refreshDownloads() {
    try {
      const response = await fetch(main.dataset.infoUrl, {credentials: 'same-origin', cache: 'no-store'});
      if (response.ok) {
        info.downloads = (await response.json()).downloads;
        limitDownloads();
      }
    } catch (ignored) {
      // the count stays as it was; the server refuses what exceeds the limit anyway
    }
  }

  function limitDownloads() {
    const downloads = info && info.downloads;
    if (!downloads || downloads.limit == null || downloads.used == null) return;
    const count = document.getElementById('download-count');
    count.textContent = downloads.used + ' of ' + downloads.limit + ' downloads used';
    count.hidden = false;
    const noneLeft = downloads.used >= downloads.limit;
    for (const link of document.querySelectorAll('a[data-photo-id]')) {
      const disabled = noneLeft && !downloadedHere.has(link.dataset.photoId);
      link.setAttribute('aria-disabled', String(disabled));
      link.classList.toggle('disabled', disabled);
      link.title = disabled ? 'All ' + downloads.limit + ' downloads of this gallery are used' : '';
    }
    // Download All counts every photo of the gallery: it cannot fit a limit smaller than the gallery
    const allDisabled = info.photoCount > downloads.limit
      || info.photoCount - downloadedHere.size > downloads.limit - downloads.used;
    downloadAll.disabled = allDisabled;
    downloadAll.title = allDisabled ? 'Download All needs ' + info.photoCount + ' downloads; '
      + Math.max(0, downloads.limit - downloads.used) + ' remain' : '';
  }

  // ---- views: the photos opened in the viewer, reported in batches (the CDN serves their bytes, the server does
  // not see them): every 10 s, at 100 ids, and when the page is hidden (sendBeacon outlives the page) ----
  const VIEW_BATCH = 100;
  const seen = [];
  function sendViews(leaving) {
    if (!seen.length) return;
    const body = JSON.stringify({views: seen.splice(0, VIEW_BATCH)});
    const url = main.dataset.infoUrl + '/activity';
    if (leaving && navigator.sendBeacon) {
      navigator.sendBeacon(url, new Blob([body], {type: 'application/json'}));
      return;
    }
    fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'}, credentials: 'same-origin',
      body: body, keepalive: true}).catch(() => {});
  }
  function viewed(photo) {
    seen.push(photo.id);
    if (seen.length >= VIEW_BATCH) sendViews(false);
  }
  setInterval(() => sendViews(false), 10000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') sendViews(true);
  });

  async function show(index) {
    if (index >= photos.length && !exhausted) {
      await loadPage();
    }
    if (index < 0 || index >= photos.length) return;
    current = index;
    const photo = photos[index];
    renderPhoto(stage, photo);
    viewed(photo);
    caption.textContent = photo.filename;
    position.textContent = (index + 1) + ' of ' + (info ? info.photoCount : photos.length);
    viewerSizes.replaceChildren();
    if (info && info.downloadsAllowed && photo.downloadUrl) {
      downloadLink(viewerDownload, photo);
      viewerDownload.hidden = false;
      // the smaller sizes the event offers (the listing names only those smaller than this photo)
      for (const size of Object.keys(photo.downloadSizes || {})) {
        if (size === 'original') continue;
        const sized = document.createElement('a');
        sized.className = 'button';
        sized.id = 'viewer-download-' + size;
        downloadLink(sized, photo, size);
        sized.textContent = SIZE_LABELS[size] || size;
        viewerSizes.appendChild(sized);
      }
    } else {
      viewerDownload.hidden = true;
    }
    // the original, full size: only where downloads are allowed and the original is what the view route serves
    if (info && info.downloadsAllowed && !info.imageTokensRequired && photo.url) {
      viewerOriginal.href = photo.url;
      viewerOriginal.hidden = false;
    } else {
      viewerOriginal.hidden = true;
    }
    prev.disabled = index === 0;
    next.disabled = index === photos.length - 1 && exhausted;
    if (!viewer.open) viewer.showModal();
  }

  function closeViewer() {
    viewer.close();
  }

  viewer.addEventListener('close', () => {
    stage.replaceChildren();
    const tile = grid.children[current];
    if (tile) tile.querySelector('.open').focus();
  });
  prev.addEventListener('click', () => show(current - 1));
  next.addEventListener('click', () => show(current + 1));
  document.getElementById('viewer-close').addEventListener('click', closeViewer);
  // On the document, not the dialog: focus may leave the dialog (a button that became disabled).
  document.addEventListener('keydown', (event) => {
    if (!viewer.open) return;
    if (event.key === 'ArrowRight') {
      event.preventDefault();
      show(current + 1);
    } else if (event.key === 'ArrowLeft') {
      event.preventDefault();
      show(current - 1);
    }
  });
  stage.addEventListener('click', (event) => {
    if (event.target === stage) closeViewer();
  });

  // ---- the grid ----
  function tile(photo, index) {
    const item = document.createElement('li');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'open';
    open.setAttribute('aria-label', 'Open ' + photo.filename);
    const img = document.createElement('img');
    const thumbnails = photo.thumbnails || [];
    if (thumbnails.length > 1) {
      img.srcset = thumbnails.map((tier, i) => tier.url + ' ' + (i + 1) + 'x').join(', ');
    }
    img.src = thumbnails.length ? thumbnails[0].url : photo.thumbnailUrl;
    img.alt = photo.filename;
    img.loading = 'lazy';
    img.draggable = false;
    img.width = 300;
    img.height = 300;
    open.appendChild(img);
    open.addEventListener('click', () => show(index));
    item.appendChild(open);
    item.dataset.photoId = photo.id;
    const heart = document.createElement('button');
    heart.type = 'button';
    heart.className = 'favourite';
    heart.setAttribute('aria-label', 'Favourite ' + photo.filename);
    heart.textContent = '\u2665';
    heart.addEventListener('click', () => toggleFavourite(photo, heart));
    heart.hidden = !selection;
    markTile(item, heart, photo.id);
    item.appendChild(heart);
    if (info.downloadsAllowed && photo.downloadUrl) {
      const download = document.createElement('a');
      download.className = 'button download';
      downloadLink(download, photo);
      download.textContent = 'Download';
      item.appendChild(download);
    }
    return item;
  }

  function loadPage() {
    if (loading) return loading;
    if (exhausted) return Promise.resolve();
    loading = (async () => {
      gridStatus.textContent = 'Loading photos…';
      const url = new URL(main.dataset.photosUrl, location.href);
      url.searchParams.set('limit', String(PAGE_SIZE));
      if (nextCursor) url.searchParams.set('cursor', nextCursor);
      try {
        const response = await fetch(url, {credentials: 'same-origin'});
        if (response.status === 401) {
          location.reload(); // the session ended: the server shows the password form again
          return;
        }
        if (!response.ok) throw new Error(await errorMessage(response));
        const page = await response.json();
        for (const photo of page.photos) {
          grid.appendChild(tile(photo, photos.length));
          photos.push(photo);
        }
        nextCursor = page.nextCursor;
        exhausted = !nextCursor;
        more.hidden = exhausted;
        grid.setAttribute('aria-busy', 'false');
        gridStatus.textContent = exhausted
          ? (photos.length === 0 ? 'No photos yet.' : 'All ' + photos.length + ' photos are shown.')
          : '';
        main.dataset.loaded = String(photos.length);
      } catch (failure) {
        gridStatus.textContent = 'Photos could not be loaded: ' + failure.message;
        more.hidden = false;
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  more.addEventListener('click', () => loadPage());
  // Load the next page while the end of the grid is near the screen (and again, until it is not).
  const observer = new IntersectionObserver(async (entries) => {
    if (entries.some((entry) => entry.isIntersecting)) {
      await loadPage();
      if (!exhausted && more.getBoundingClientRect().top < window.innerHeight + 600) {
        observer.unobserve(more);
        observer.observe(more);
      }
    }
  }, {rootMargin: '600px 0px'});

  // ---- favourites and the selection sent to the photographer (docs/selections.md) ----
  const selectionBar = document.getElementById('selection-bar');
  const favouriteCount = document.getElementById('favourite-count');
  const favouritesOnly = document.getElementById('favourites-only');
  const sendSelection = document.getElementById('send-selection');
  const selectionNote = document.getElementById('selection-note');
  const selectionStatus = document.getElementById('selection-status');
  let selection = null; // the API's selection: count, limit, state, favourites
  let favourites = new Set();

  function markTile(item, heart, photoId) {
    const on = favourites.has(photoId);
    heart.setAttribute('aria-pressed', String(on));
    item.classList.toggle('is-favourite', on);
    item.hidden = favouritesOnly.checked && !on;
  }

  function showSelection(answer) {
    selection = answer;
    favourites = new Set(answer.favourites.map((f) => f.photoId));
    favouriteCount.textContent = '\u2665 ' + answer.count + (answer.limit == null ? '' : ' / ' + answer.limit)
      + (answer.state === 'sent' ? ' · sent to the photographer' : '');
    selectionBar.dataset.count = String(answer.count);
    selectionBar.dataset.state = answer.state;
    sendSelection.disabled = answer.state === 'sent';
    selectionNote.disabled = answer.state === 'sent';
    if (answer.note != null) selectionNote.value = answer.note;
    for (const item of grid.children) {
      const heart = item.querySelector('.favourite');
      if (heart) {
        heart.hidden = false;
        markTile(item, heart, item.dataset.photoId);
      }
    }
    selectionBar.hidden = false;
  }

  async function selectionRequest(method, url, body) {
    const response = await fetch(url, {
      method: method, credentials: 'same-origin',
      headers: {'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    showSelection(await response.json());
  }

  async function toggleFavourite(photo, heart) {
    heart.disabled = true;
    selectionStatus.textContent = '';
    try {
      await selectionRequest(favourites.has(photo.id) ? 'DELETE' : 'PUT',
        selectionBar.dataset.favouritesUrl + '/' + encodeURIComponent(photo.id));
    } catch (refused) {
      selectionStatus.textContent = refused.message;
    } finally {
      heart.disabled = false;
    }
  }

  async function loadSelection() {
    const url = selectionBar.dataset.favouritesUrl;
    let response = await fetch(url, {credentials: 'same-origin'});
    if (response.status === 401 && !info.passwordRequired && info.guestIdentity === 'none') {
      // favourites belong to a session: an open gallery takes one
      await fetch(main.dataset.infoUrl + '/auth', {
        method: 'POST', headers: {'Content-Type': 'application/json'}, credentials: 'same-origin', body: '{}'
      });
      response = await fetch(url, {credentials: 'same-origin'});
    }
    if (response.ok) showSelection(await response.json());
  }

  favouritesOnly.addEventListener('change', () => { if (selection) showSelection(selection); });
  sendSelection.addEventListener('click', async () => {
    sendSelection.disabled = true;
    try {
      await selectionRequest('POST', selectionBar.dataset.favouritesUrl + '/submit',
        {note: selectionNote.value || null});
      selectionStatus.textContent = 'Your selection was sent to the photographer.';
    } catch (refused) {
      selectionStatus.textContent = refused.message;
      sendSelection.disabled = false;
    }
  });

  // ---- Download All ----
  const downloadAll = document.getElementById('download-all');
  const downloadStatus = document.getElementById('download-status');

  function downloadAllLabel() {
    return info.downloadAllSize == null
      ? 'Download All (' + info.photoCount + ' photos)'
      : 'Download All (' + info.photoCount + ' photos, ' + formatBytes(info.downloadAllSize) + ')';
  }

  // The archive may need preparing first (202 + Retry-After): ask with HEAD until it can start, then let
  // the browser download it. A redirect (a presigned URL) is not followed here, only by the browser. Any
  // other answer ends the waiting: a build that failed is not asked for again until the guest clicks again.
  async function startDownloadAll() {
    downloadAll.disabled = true;
    try {
      for (;;) {
        const response = await fetch(info.downloadAllUrl, {method: 'HEAD', credentials: 'same-origin', redirect: 'manual'});
        if (response.status === 202) {
          const wait = Number(response.headers.get('Retry-After') || '5');
          downloadStatus.textContent = 'Preparing the archive of ' + info.photoCount + ' photos…';
          await new Promise((resolve) => setTimeout(resolve, wait * 1000));
          continue;
        }
        if (response.type !== 'opaqueredirect' && !response.ok) {
          // 500: the archive could not be built, for good (the server tried again already): stop asking
          downloadStatus.textContent = response.status === 500
            ? 'Download All failed: the archive could not be prepared. Please contact the photographer.'
            : 'Download All failed: ' + response.status + ' ' + response.statusText;
          return;
        }
        const length = Number(response.headers.get('Content-Length'));
        downloadStatus.textContent = 'Downloading ' + (length > 0 ? formatBytes(length) : 'the archive') + '…';
        const link = document.createElement('a');
        link.href = info.downloadAllUrl;
        link.setAttribute('download', '');
        document.body.appendChild(link);
        link.click();
        link.remove();
        return;
      }
    } catch (network) {
      downloadStatus.textContent = 'Download All failed: the gallery could not be reached.';
    } finally {
      downloadAll.disabled = false;
      limitDownloads();
      setTimeout(refreshDownloads, 800);
    }
  }
  downloadAll.addEventListener('click', startDownloadAll);

  // ---- start ----
  (async () => {
    const response = await fetch(main.dataset.infoUrl, {credentials: 'same-origin'});
    if (!response.ok) {
      gridStatus.textContent = await errorMessage(response);
      return;
    }
    info = await response.json();
    if (info.protectionLevel !== 'basic') {
      // discourages "Save image as…"; what protects is the watermark, the fingerprint and the tiles
      main.addEventListener('contextmenu', (event) => {
        if (event.target.closest('img, canvas')) event.preventDefault();
      });
      viewer.addEventListener('contextmenu', (event) => event.preventDefault());
    }
    if (info.imageTokensRequired && !info.passwordRequired) {
      // protected images need a session, also in a gallery without password: take one
      await fetch(main.dataset.infoUrl + '/auth', {
        method: 'POST', headers: {'Content-Type': 'application/json'}, credentials: 'same-origin', body: '{}'
      });
    }
    document.getElementById('summary').textContent = info.photoCount + (info.photoCount === 1 ? ' photo' : ' photos')
      + (info.expiresAt ? ' · available until ' + new Date(info.expiresAt).toLocaleDateString() : '');
    if (info.heroUrl) {
      const frame = document.getElementById('hero-frame');
      const hero = document.createElement('img');
      hero.src = info.heroUrl;
      hero.alt = info.title;
      frame.appendChild(hero);
      frame.hidden = false;
    }
    if (info.downloadsAllowed && info.downloadAllUrl && info.photoCount > 0) {
      downloadAll.textContent = downloadAllLabel();
      downloadAll.hidden = false;
    }
    await loadSelection();
    limitDownloads();
    await loadPage();
    observer.observe(more);
  })();
})();
