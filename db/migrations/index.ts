import type { Knex } from 'knex';
import * as m001 from './001_units';
import * as m002 from './002_users';
import * as m003 from './003_sessions';
import * as m004 from './004_api_tokens';
import * as m005 from './005_login_failures';
import * as m006 from './006_app_settings';
import * as m007 from './007_procedures';
import * as m008 from './008_dossiers';
import * as m009 from './009_dossier_events';
import * as m010 from './010_calendar_days';
import * as m011 from './011_code_sequences';
import * as m012 from './012_outbox';
import * as m013 from './013_attachments';
import * as m014 from './014_dispatches';
import * as m015 from './015_dispatch_attachments';
import * as m016 from './016_event_hashes';
import * as m017 from './017_report_index';
import * as m018 from './018_search_text';
import * as m019 from './019_idempotency_keys';
import * as m020 from './020_unit_contact';
import * as m021 from './021_consultations';
import * as m022 from './022_results';
import * as m023 from './023_certificates';
import * as m024 from './024_portal_outbox';
import * as m025 from './025_unit_merges';
import * as m026 from './026_dispatch_complete';
import * as m027 from './027_delegations';
import * as m028 from './028_catalog_imports';
import * as m029 from './029_rate_limits';
import * as m030 from './030_report_counts';
import * as m031 from './031_last_event_hash';

type Migration = { up: (k: Knex) => Promise<void>; down: (k: Knex) => Promise<void> };

// A static list instead of a folder scan: works the same under tsx, jest and a bundled build.
const migrations: Record<string, Migration> = {
  '001_units': m001,
  '002_users': m002,
  '003_sessions': m003,
  '004_api_tokens': m004,
  '005_login_failures': m005,
  '006_app_settings': m006,
  '007_procedures': m007,
  '008_dossiers': m008,
  '009_dossier_events': m009,
  '010_calendar_days': m010,
  '011_code_sequences': m011,
  '012_outbox': m012,
  '013_attachments': m013,
  '014_dispatches': m014,
  '015_dispatch_attachments': m015,
  '016_event_hashes': m016,
  '017_report_index': m017,
  '018_search_text': m018,
  '019_idempotency_keys': m019,
  '020_unit_contact': m020,
  '021_consultations': m021,
  '022_results': m022,
  '023_certificates': m023,
  '024_portal_outbox': m024,
  '025_unit_merges': m025,
  '026_dispatch_complete': m026,
  '027_delegations': m027,
  '028_catalog_imports': m028,
  '029_rate_limits': m029,
  '030_report_counts': m030,
  '031_last_event_hash': m031,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
