// The public method for each core operation (loyalty::Engine::operations()),
// in the entries that run the core (api.js) and in those that reach one in a
// worker (worker-client.js).
const OPERATIONS = {
  previewOrder: 'preview_order',
  previewListing: 'preview_listing',
  tierProgress: 'tier_progress',
  pointsSummary: 'points_summary',
  redemptionPreview: 'redemption_preview',
  lifecycle: 'lifecycle',
  checkinCalendar: 'checkin_calendar',
  taskOverview: 'task_overview',
  mallCatalog: 'mall_catalog',
  segments: 'segments',
  boxOdds: 'box_odds',
  verifyDraw: 'verify_draw',
  simulateDraws: 'simulate_draws',
  digest: 'digest',
  apply: 'apply',
  applyEvents: 'apply_events',
};
