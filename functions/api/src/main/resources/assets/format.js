// Formatting shared by the guest and the admin page: HtmlPages loads it before each page's own script.
'use strict';

window.PicPeakFormat = Object.freeze({
  // A byte count as people read it: 512 B, 1.5 MB, 12 GB; '—' when the size is unknown.
  bytes(bytes) {
    if (bytes == null) return '—';
    if (bytes < 1024) return bytes + ' B';
    const units = ['KB', 'MB', 'GB', 'TB'];
    let value = bytes / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return value.toFixed(value < 10 ? 1 : 0) + ' ' + units[unit];
  },
});
