// The member centre: the member's own account, as the sync server keeps it,
// with unsent actions previewed by the core in the page.
import { startPage, showFatal } from './boot.js';
import './member-widgets.js';

startPage({
  pageTitle: 'memberCentre',
  memberKind: 'me',
  setup(store) {
    store.sync.refresh();
    // Back online: send what waited.
    window.addEventListener('online', () => store.sync.flush());
  },
}).catch(showFatal);
