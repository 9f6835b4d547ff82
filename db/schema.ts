// Drizzle tables. TS names are camelCase, SQL names snake_case.
// Conventions (see docs/decisions): ids are ULID text; times are ISO-8601 UTC text
// ("2026-11-26T02:48:20.123Z"); money is integer fen; scores/weights are integer hundredths.
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'

export const organizations = sqliteTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['agency', 'finance_bureau'] }).notNull(),
    name: text('name').notNull(),
    creditCode: text('credit_code'), // 统一社会信用代码, 18 chars, kept as text
    region: text('region').notNull().default(''),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('organizations_name_uq').on(t.name), index('organizations_kind_idx').on(t.kind)],
)

// Budget units evaluated by engagements; they sit under a finance bureau's jurisdiction.
export const evaluatedUnits = sqliteTable(
  'evaluated_units',
  {
    id: text('id').primaryKey(),
    financeBureauId: text('finance_bureau_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    competentDepartment: text('competent_department').notNull().default(''),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('evaluated_units_bureau_name_uq').on(t.financeBureauId, t.name, t.competentDepartment)],
)

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', {
      enum: ['system_admin', 'agency_admin', 'evaluator', 'expert', 'finance_reviewer', 'unit_contact'],
    }).notNull(),
    // Null for system_admin and experts (experts are independent of any tenant).
    organizationId: text('organization_id').references(() => organizations.id),
    // Set for unit_contact users only.
    evaluatedUnitId: text('evaluated_unit_id').references(() => evaluatedUnits.id),
    // A finance_reviewer who also manages the bureau's accounts (agency_admin always does).
    orgAdmin: integer('org_admin', { mode: 'boolean' }).notNull().default(false),
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    phone: text('phone').notNull().default(''),
    email: text('email').notNull().default(''),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username), index('users_org_idx').on(t.organizationId)],
)

export const sessions = sqliteTable(
  'sessions',
  {
    // SHA-256 of the random cookie token: a leaked database does not yield live sessions.
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    ip: text('ip').notNull().default(''),
    userAgent: text('user_agent').notNull().default(''),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

// Failed logins, counted per account and per IP over a sliding window.
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(), // "account:<username>" or "ip:<address>"
    at: text('at').notNull(),
  },
  (t) => [index('login_failures_key_at_idx').on(t.key, t.at)],
)

export const engagements = sqliteTable(
  'engagements',
  {
    id: text('id').primaryKey(),
    agencyId: text('agency_id')
      .notNull()
      .references(() => organizations.id),
    financeBureauId: text('finance_bureau_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    year: integer('year').notNull(),
    kind: text('kind').notNull(), // EngagementKind code, see app/domain/engagement.ts
    budgetType: text('budget_type').notNull(), // BudgetType code
    fundsFen: integer('funds_fen').notNull().default(0),
    periodStart: text('period_start').notNull(), // YYYY-MM-DD
    periodEnd: text('period_end').notNull(),
    contractNo: text('contract_no').notNull().default(''),
    // The agency's credit standing under the bureau's policy when the engagement was created, with
    // the reasons it was flagged (grade D or blacklisted); null when it was not flagged.
    commissionCreditFlagJson: text('commission_credit_flag_json'),
    leadUserId: text('lead_user_id')
      .notNull()
      .references(() => users.id),
    stage: text('stage').notNull(), // Stage code, see app/domain/stages.ts
    stageChangedAt: text('stage_changed_at').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('engagements_agency_year_idx').on(t.agencyId, t.year, t.createdAt),
    index('engagements_agency_stage_idx').on(t.agencyId, t.stage),
    index('engagements_bureau_year_idx').on(t.financeBureauId, t.year, t.createdAt),
    index('engagements_lead_idx').on(t.leadUserId),
    // The list's default order (最近更新) within a tenant: read in index order, stop after one page.
    index('engagements_agency_updated_idx').on(t.agencyId, t.updatedAt),
    index('engagements_bureau_updated_idx').on(t.financeBureauId, t.updatedAt),
    // The list's bureau filter offers the bureaus an agency worked for: read from the index alone.
    index('engagements_agency_bureau_idx').on(t.agencyId, t.financeBureauId),
    // Credit lists find each subject's latest bureau by joining thousands of rows on id: covering.
    index('engagements_id_bureau_created_idx').on(t.id, t.financeBureauId, t.createdAt),
  ],
)

export const engagementMembers = sqliteTable(
  'engagement_members',
  {
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.engagementId, t.userId] }), index('engagement_members_user_idx').on(t.userId)],
)

export const engagementUnits = sqliteTable(
  'engagement_units',
  {
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id, { onDelete: 'cascade' }),
    evaluatedUnitId: text('evaluated_unit_id')
      .notNull()
      .references(() => evaluatedUnits.id),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.engagementId, t.evaluatedUnitId] }),
    index('engagement_units_unit_idx').on(t.evaluatedUnitId),
  ],
)

export const stageTransitions = sqliteTable(
  'stage_transitions',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id, { onDelete: 'cascade' }),
    fromStage: text('from_stage'), // null for the creation entry
    toStage: text('to_stage').notNull(),
    actorUserId: text('actor_user_id')
      .notNull()
      .references(() => users.id),
    note: text('note').notNull().default(''),
    at: text('at').notNull(),
  },
  (t) => [index('stage_transitions_engagement_idx').on(t.engagementId, t.at)],
)

/**
 * The platform's audit log: rows with no organization plus everything platform operators
 * (system_admin, cli, system) did, including to tenants' accounts. Literal SQL, not bound values:
 * a partial index serves a query only when the query states the index's condition itself.
 */
export const PLATFORM_AUDIT_SCOPE = "organization_id IS NULL OR actor_role IN ('system_admin', 'cli', 'system')"

// Append-only, hash-chained. UPDATE/DELETE are refused by triggers created in the migration.
export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey(),
    at: text('at').notNull(),
    actorUserId: text('actor_user_id'),
    actorRole: text('actor_role').notNull(),
    organizationId: text('organization_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull().default(''),
    beforeJson: text('before_json'),
    afterJson: text('after_json'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_org_seq_idx').on(t.organizationId, t.seq),
    index('audit_log_entity_idx').on(t.entity, t.entityId),
    // The log's action filter and its list of actions, within a tenant (docs/decisions/022-scale.md).
    index('audit_log_org_action_seq_idx').on(t.organizationId, t.action, t.seq),
    // The platform's log (page, count, action list and filter): partial indexes over exactly the rows
    // of PLATFORM_AUDIT_SCOPE, which the query repeats word for word so SQLite can use them.
    index('audit_log_platform_seq_idx').on(t.seq).where(sql.raw(PLATFORM_AUDIT_SCOPE)),
    index('audit_log_platform_action_seq_idx').on(t.action, t.seq).where(sql.raw(PLATFORM_AUDIT_SCOPE)),
  ],
)

export const meta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})


// The indicator library (指标库). A framework is a named line of versions; organization_id null means
// the platform library every agency reads, otherwise the framework belongs to that agency.
export const frameworks = sqliteTable(
  'frameworks',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').references(() => organizations.id),
    // Stable code for seeded library frameworks ('cy2020-project'); null for user-made ones.
    libraryCode: text('library_code'),
    name: text('name').notNull(),
    category: text('category').notNull(), // FrameworkCategory, see app/domain/indicators/framework.ts
    source: text('source').notNull().default(''),
    description: text('description').notNull().default(''),
    // The version this framework was copied from, when it started as a copy of another framework.
    copiedFromVersionId: text('copied_from_version_id'),
    createdBy: text('created_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('frameworks_library_code_uq').on(t.libraryCode), index('frameworks_org_idx').on(t.organizationId, t.category)],
)

// One version of a framework, stored whole as an IndicatorTree JSON document (docs/decisions/009).
// A published version is frozen: triggers in the migration refuse to change or delete it.
export const frameworkVersions = sqliteTable(
  'framework_versions',
  {
    id: text('id').primaryKey(),
    frameworkId: text('framework_id')
      .notNull()
      .references(() => frameworks.id),
    versionNo: integer('version_no').notNull(),
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    treeJson: text('tree_json').notNull(),
    changeNote: text('change_note').notNull().default(''),
    basedOnVersionId: text('based_on_version_id'),
    createdBy: text('created_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    publishedAt: text('published_at'),
    publishedBy: text('published_by').references(() => users.id),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('framework_versions_no_uq').on(t.frameworkId, t.versionNo)],
)

// An engagement's scoring sheet (评分表), one row per sheet version. The latest version is the
// current one; a frozen version never changes (triggers), later changes need a new version and a reason.
export const sheetVersions = sqliteTable(
  'sheet_versions',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    versionNo: integer('version_no').notNull(),
    status: text('status', { enum: ['draft', 'frozen'] }).notNull(),
    treeJson: text('tree_json').notNull(),
    frameworkVersionId: text('framework_version_id').references(() => frameworkVersions.id),
    reason: text('reason').notNull().default(''),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    frozenAt: text('frozen_at'),
    frozenBy: text('frozen_by').references(() => users.id),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('sheet_versions_no_uq').on(t.engagementId, t.versionNo)],
)

// ---- Expert pool and panels (issue 4) ------------------------------------------------------------

// The controlled list of specialties (专业领域); admins add, rename and retire entries.
export const specialties = sqliteTable('specialties', {
  code: text('code').primaryKey(),
  label: text('label').notNull(),
  position: integer('position').notNull().default(0),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
})

// The expert pool (专家库), one installation-wide pool kept by the platform. An expert may have an
// account (user_id) or not yet (invited by a one-time link when first drawn).
export const experts = sqliteTable(
  'experts',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => users.id),
    name: text('name').notNull(),
    employer: text('employer').notNull().default(''),
    title: text('title', { enum: ['senior', 'associate', 'intermediate', 'other'] }).notNull(),
    region: text('region').notNull().default(''),
    phone: text('phone').notNull().default(''),
    email: text('email').notNull().default(''),
    status: text('status', { enum: ['active', 'suspended', 'retired'] }).notNull().default('active'),
    // Credit standing comes from the credit issue; null is the neutral default until then.
    creditScore: integer('credit_score'),
    blacklistedUntil: text('blacklisted_until'), // YYYY-MM-DD, inclusive
    note: text('note').notNull().default(''),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('experts_user_uq').on(t.userId), index('experts_status_idx').on(t.status), index('experts_name_idx').on(t.name)],
)

export const expertSpecialties = sqliteTable(
  'expert_specialties',
  {
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    specialtyCode: text('specialty_code')
      .notNull()
      .references(() => specialties.code),
  },
  (t) => [primaryKey({ columns: [t.expertId, t.specialtyCode] }), index('expert_specialties_code_idx').on(t.specialtyCode)],
)

export const expertEmployments = sqliteTable(
  'expert_employments',
  {
    id: text('id').primaryKey(),
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    organization: text('organization').notNull(),
    fromDate: text('from_date').notNull(), // YYYY-MM-DD
    toDate: text('to_date'), // null: still employed there
  },
  (t) => [index('expert_employments_expert_idx').on(t.expertId)],
)

// Declared relations to organizations (亲属任职, 持股, 顾问 …), matched against units and agencies.
export const expertRelations = sqliteTable(
  'expert_relations',
  {
    id: text('id').primaryKey(),
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['relative', 'shareholding', 'advisory', 'other'] }).notNull(),
    organization: text('organization').notNull(),
    note: text('note').notNull().default(''),
  },
  (t) => [index('expert_relations_expert_idx').on(t.expertId)],
)

export const expertUnavailability = sqliteTable(
  'expert_unavailability',
  {
    id: text('id').primaryKey(),
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id, { onDelete: 'cascade' }),
    fromDate: text('from_date').notNull(),
    toDate: text('to_date').notNull(),
    note: text('note').notNull().default(''),
  },
  (t) => [index('expert_unavailability_expert_idx').on(t.expertId)],
)

// Typed conflicts (回避), per expert × engagement or × evaluated unit. Never deleted: removal is a
// timestamp, so the history of who was conflicted, and who lifted it, stays.
export const conflicts = sqliteTable(
  'conflicts',
  {
    id: text('id').primaryKey(),
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id),
    engagementId: text('engagement_id').references(() => engagements.id),
    evaluatedUnitId: text('evaluated_unit_id').references(() => evaluatedUnits.id),
    type: text('type').notNull(), // ConflictType, see app/domain/experts/recusal.ts
    source: text('source', { enum: ['auto', 'declared', 'admin'] }).notNull(),
    pinned: integer('pinned', { mode: 'boolean' }).notNull().default(false),
    note: text('note').notNull().default(''),
    createdBy: text('created_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
    removedAt: text('removed_at'),
    removedBy: text('removed_by').references(() => users.id),
  },
  (t) => [index('conflicts_expert_idx').on(t.expertId), index('conflicts_engagement_idx').on(t.engagementId), index('conflicts_unit_idx').on(t.evaluatedUnitId)],
)

// An engagement's expert panel (评审专家组): its composition rules and the settings its draw used.
export const panels = sqliteTable(
  'panels',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .unique()
      .references(() => engagements.id),
    size: integer('size').notNull(),
    reserveCount: integer('reserve_count').notNull(),
    quotasJson: text('quotas_json').notNull(), // [{ specialtyCode, count }]
    reviewDate: text('review_date').notNull(), // YYYY-MM-DD
    reviewDaysHundredths: integer('review_days_hundredths').notNull().default(100), // 1 day = 100; 0.5 = half day
    maxDrawsPerYear: integer('max_draws_per_year').notNull(),
    creditThreshold: integer('credit_threshold'),
    lookbackYears: integer('lookback_years').notNull(),
    replyHours: integer('reply_hours').notNull(),
    // Whether reports name the experts (专家组名单) or show them as 专家A/B/C; pseudonyms unless set.
    showExpertNames: integer('show_expert_names', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  // Seat -> panel -> engagement joins over thousands of seats (credit lists) stay in the index.
  (t) => [index('panels_id_engagement_idx').on(t.id, t.engagementId)],
)

// One random draw: everything needed to replay it and show it was not steered.
export const draws = sqliteTable(
  'draws',
  {
    id: text('id').primaryKey(),
    panelId: text('panel_id')
      .notNull()
      .references(() => panels.id),
    seedHex: text('seed_hex').notNull(),
    algorithm: text('algorithm').notNull(),
    poolHash: text('pool_hash').notNull(),
    // The domain DrawRecord: filters, exclusions, order, and (draws before migration 0022) the pool snapshot.
    recordJson: text('record_json').notNull(),
    // The pool snapshot's canonical JSON, Brotli-compressed: the very text pool_hash is the SHA-256 of.
    // A 5,000-expert pool is 1.2 MB of JSON and about 150 KB compressed (ADR 024). Null on older draws.
    poolBrotli: blob('pool_brotli', { mode: 'buffer' }),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('draws_panel_idx').on(t.panelId, t.createdAt)],
)

// What happened after a draw (decline, no reply, reserve promoted, manual appointment), in order.
export const drawEvents = sqliteTable(
  'draw_events',
  {
    id: text('id').primaryKey(),
    drawId: text('draw_id')
      .notNull()
      .references(() => draws.id),
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    expertId: text('expert_id').references(() => experts.id),
    reason: text('reason').notNull().default(''),
    actorUserId: text('actor_user_id').references(() => users.id),
    at: text('at').notNull(),
  },
  (t) => [uniqueIndex('draw_events_seq_uq').on(t.drawId, t.seq)],
)

// A seat on a panel: a drawn expert, a reserve, or a manual appointment (with its reason).
export const seats = sqliteTable(
  'seats',
  {
    id: text('id').primaryKey(),
    panelId: text('panel_id')
      .notNull()
      .references(() => panels.id),
    drawId: text('draw_id').references(() => draws.id),
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id),
    kind: text('kind', { enum: ['drawn', 'reserve', 'manual'] }).notNull(),
    specialtyCode: text('specialty_code'),
    position: integer('position').notNull(),
    isLeader: integer('is_leader', { mode: 'boolean' }).notNull().default(false),
    status: text('status', { enum: ['waiting', 'invited', 'accepted', 'declined', 'expired', 'withdrawn'] }).notNull(),
    manualReason: text('manual_reason').notNull().default(''),
    invitedAt: text('invited_at'),
    replyBy: text('reply_by'),
    respondedAt: text('responded_at'),
    declineReason: text('decline_reason').notNull().default(''),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('seats_panel_idx').on(t.panelId, t.position),
    index('seats_expert_idx').on(t.expertId, t.status),
    // A draw counts each expert's seats of the year; credit lists find where experts sat (both covering).
    index('seats_status_created_idx').on(t.status, t.createdAt, t.expertId),
    index('seats_expert_invited_idx').on(t.expertId, t.invitedAt, t.panelId),
  ],
)

// A signed conflict-of-interest and confidentiality declaration, with the text and facts it covered.
export const declarations = sqliteTable(
  'declarations',
  {
    id: text('id').primaryKey(),
    seatId: text('seat_id')
      .notNull()
      .references(() => seats.id),
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    textVersion: text('text_version').notNull(),
    textHash: text('text_hash').notNull(),
    factsHash: text('facts_hash').notNull(),
    signedAt: text('signed_at').notNull(),
    ip: text('ip').notNull().default(''),
  },
  (t) => [index('declarations_seat_idx').on(t.seatId, t.signedAt)],
)

// One-time invite links for experts without an account: only the SHA-256 of the token is stored.
export const expertInvites = sqliteTable(
  'expert_invites',
  {
    tokenHash: text('token_hash').primaryKey(),
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
  },
  (t) => [index('expert_invites_expert_idx').on(t.expertId)],
)

// Expert fee rates per finance bureau and professional title (专家咨询费标准), fen per day.
export const feeRates = sqliteTable(
  'fee_rates',
  {
    financeBureauId: text('finance_bureau_id')
      .notNull()
      .references(() => organizations.id),
    title: text('title', { enum: ['senior', 'associate', 'intermediate', 'other'] }).notNull(),
    dayRateFen: integer('day_rate_fen').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.financeBureauId, t.title] })],
)

// ---- Online scoring (issue 5) -------------------------------------------------------------------

// One scoring round per engagement: which frozen sheet version is scored, the phase, the rules.
export const scoringRounds = sqliteTable('scoring_rounds', {
  id: text('id').primaryKey(),
  engagementId: text('engagement_id')
    .notNull()
    .unique()
    .references(() => engagements.id),
  sheetVersionId: text('sheet_version_id')
    .notNull()
    .references(() => sheetVersions.id),
  phase: text('phase', { enum: ['scoring', 'discussion', 'closed'] }).notNull(),
  stepHundredths: integer('step_hundredths').notNull().default(50),
  softDeadline: text('soft_deadline'),
  hardDeadline: text('hard_deadline'),
  aggregationRule: text('aggregation_rule', { enum: ['mean', 'trimmed', 'median'] }).notNull(),
  // Divergence trigger as a percentage of an indicator's weight (issue 5: configurable, default 25).
  divergencePercent: integer('divergence_percent').notNull().default(25),
  // Grade bands [{ grade, label, minRate }]; null = the national bands.
  bandsJson: text('bands_json'),
  openedBy: text('opened_by')
    .notNull()
    .references(() => users.id),
  openedAt: text('opened_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  version: integer('version').notNull().default(1),
})

// Every saved score is a new immutable row; the highest version_no per (seat, code) is current.
export const scoreEntries = sqliteTable(
  'score_entries',
  {
    id: text('id').primaryKey(),
    roundId: text('round_id')
      .notNull()
      .references(() => scoringRounds.id),
    seatId: text('seat_id')
      .notNull()
      .references(() => seats.id),
    code: text('code').notNull(),
    versionNo: integer('version_no').notNull(),
    score: integer('score').notNull(), // hundredths of a point, 0..weight
    reason: text('reason').notNull().default(''), // 扣分理由
    comment: text('comment').notNull().default(''),
    rescoreReason: text('rescore_reason').notNull().default(''),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('score_entries_version_uq').on(t.seatId, t.code, t.versionNo), index('score_entries_round_idx').on(t.roundId)],
)

// A seat's submission of its whole sheet; a submitted sheet is locked for that expert. A rescore
// in the discussion phase (a later slice) is a new entry version with a reason and a new submission.
export const scoreSubmissions = sqliteTable(
  'score_submissions',
  {
    id: text('id').primaryKey(),
    roundId: text('round_id')
      .notNull()
      .references(() => scoringRounds.id),
    seatId: text('seat_id')
      .notNull()
      .references(() => seats.id),
    submittedAt: text('submitted_at').notNull(),
    late: integer('late', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('score_submissions_seat_idx').on(t.roundId, t.seatId, t.submittedAt)],
)

// The lead's request, in the discussion phase, that an expert justify or rescore a divergent
// indicator. The expert answers by a justification (score kept) or by a rescore (a new version).
export const rescoreRequests = sqliteTable(
  'rescore_requests',
  {
    id: text('id').primaryKey(),
    roundId: text('round_id')
      .notNull()
      .references(() => scoringRounds.id),
    seatId: text('seat_id')
      .notNull()
      .references(() => seats.id),
    code: text('code').notNull(),
    message: text('message').notNull(),
    status: text('status', { enum: ['open', 'justified', 'rescored', 'lapsed'] }).notNull(),
    response: text('response').notNull().default(''),
    responseVersionNo: integer('response_version_no'),
    requestedBy: text('requested_by')
      .notNull()
      .references(() => users.id),
    requestedAt: text('requested_at').notNull(),
    respondedAt: text('responded_at'),
  },
  (t) => [index('rescore_requests_round_idx').on(t.roundId, t.seatId)],
)

// The consolidated result as the lead closed scoring: which rule, which bands and which version of
// every score produced it, so the report always cites the same numbers.
export const consolidationResults = sqliteTable('consolidation_results', {
  id: text('id').primaryKey(),
  roundId: text('round_id')
    .notNull()
    .unique()
    .references(() => scoringRounds.id),
  rule: text('rule', { enum: ['mean', 'trimmed', 'median'] }).notNull(),
  bandsJson: text('bands_json').notNull(),
  // { [seatId]: { [code]: versionNo } }
  entriesJson: text('entries_json').notNull(),
  // The Consolidation (domain/scoring/aggregate) with experts as their pseudonyms.
  resultJson: text('result_json').notNull(),
  total: integer('total').notNull(),
  grade: text('grade').notNull(),
  createdBy: text('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: text('created_at').notNull(),
})

// 专家组意见: the panel leader's consolidated opinion, overall and per level-1 indicator, confirmed once.
export const panelOpinions = sqliteTable('panel_opinions', {
  id: text('id').primaryKey(),
  roundId: text('round_id')
    .notNull()
    .unique()
    .references(() => scoringRounds.id),
  overall: text('overall').notNull(),
  byLevel1Json: text('by_level1_json').notNull(), // [{ code, name, text }]
  status: text('status', { enum: ['draft', 'confirmed'] }).notNull(),
  writtenBy: text('written_by')
    .notNull()
    .references(() => users.id),
  confirmedBy: text('confirmed_by').references(() => users.id),
  confirmedAt: text('confirmed_at'),
  updatedAt: text('updated_at').notNull(),
  version: integer('version').notNull().default(1),
})

// 评价数据: the facts the agency gathered for one leaf indicator (the rule's inputs and a note on
// data and sources), shown to the experts with the rule's suggested score. Keyed by code so it
// carries over to a new sheet version; every change is audited with before and after.
export const indicatorData = sqliteTable(
  'indicator_data',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    code: text('code').notNull(),
    // { type: RuleType, values: { [field]: text as entered } }: the rule type tells stale inputs
    // (the rule changed since) from current ones.
    inputsJson: text('inputs_json').notNull(),
    note: text('note').notNull().default(''), // 数据说明与来源
    updatedBy: text('updated_by')
      .notNull()
      .references(() => users.id),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('indicator_data_code_uq').on(t.engagementId, t.code)],
)

// 报告: what people wrote for a report type (the sections the data cannot write), edited in the UI.
export const reportNarratives = sqliteTable(
  'report_narratives',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    type: text('type', { enum: ['evaluation', 'ex-ante', 'plan', 'score-sheets'] }).notNull(),
    sectionsJson: text('sections_json').notNull(),
    updatedBy: text('updated_by')
      .notNull()
      .references(() => users.id),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('report_narratives_uq').on(t.engagementId, t.type)],
)

// Every generated report version, immutable: the model it was rendered from (so it can be rendered
// again byte for byte), both files hashed. An issued version carries its verification code.
export const reportVersions = sqliteTable(
  'report_versions',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    type: text('type', { enum: ['evaluation', 'ex-ante', 'plan', 'score-sheets'] }).notNull(),
    versionNo: integer('version_no').notNull(),
    stage: text('stage', { enum: ['draft', 'consultation', 'final'] }).notNull(),
    title: text('title').notNull(),
    modelJson: text('model_json').notNull(),
    docxSha256: text('docx_sha256').notNull(),
    pdfSha256: text('pdf_sha256').notNull(),
    docxSize: integer('docx_size').notNull(),
    pdfSize: integer('pdf_size').notNull(),
    generatedBy: text('generated_by')
      .notNull()
      .references(() => users.id),
    generatedAt: text('generated_at').notNull(),
    verificationCode: text('verification_code').unique(),
    issuedAt: text('issued_at'),
    note: text('note').notNull().default(''),
  },
  (t) => [uniqueIndex('report_versions_uq').on(t.engagementId, t.type, t.versionNo)],
)

export const reportFiles = sqliteTable(
  'report_files',
  {
    versionId: text('version_id')
      .notNull()
      .references(() => reportVersions.id),
    format: text('format', { enum: ['docx', 'pdf'] }).notNull(),
    bytes: blob('bytes', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.format] })],
)

// ---- Work-quality rating (issue 7) --------------------------------------------------------------

// 执业质量评价表 of a finance bureau: its items and grade bands, one immutable row per version (the
// newest is in force). A bureau without a row rates on the default form (domain/finance/quality.ts).
export const qualityRatingConfigs = sqliteTable(
  'quality_rating_configs',
  {
    id: text('id').primaryKey(),
    financeBureauId: text('finance_bureau_id')
      .notNull()
      .references(() => organizations.id),
    versionNo: integer('version_no').notNull(),
    itemsJson: text('items_json').notNull(),
    bandsJson: text('bands_json').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('quality_rating_configs_uq').on(t.financeBureauId, t.versionNo)],
)

// 执业质量评价: the commissioning bureau's rating of the agency's work on one engagement. It carries
// the agency, the bureau, the accepted report version and the form it was rated on (snapshot), so
// the agency's credit file can take it as an entry. A draft is edited; a submitted rating is final
// (triggers).
export const qualityRatings = sqliteTable(
  'quality_ratings',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .unique()
      .references(() => engagements.id),
    agencyId: text('agency_id')
      .notNull()
      .references(() => organizations.id),
    financeBureauId: text('finance_bureau_id')
      .notNull()
      .references(() => organizations.id),
    reportVersionId: text('report_version_id')
      .notNull()
      .references(() => reportVersions.id),
    // Null when the bureau had no configured form and the default was used.
    configId: text('config_id').references(() => qualityRatingConfigs.id),
    configJson: text('config_json').notNull(),
    // [{ score, reason }] in the order of the snapshot's items; score in hundredths or null (draft).
    scoresJson: text('scores_json').notNull(),
    total: integer('total').notNull(),
    // Null while a draft has unscored items and no veto.
    grade: text('grade', { enum: ['excellent', 'good', 'pass', 'fail'] }),
    veto: integer('veto', { mode: 'boolean' }).notNull().default(false),
    vetoReason: text('veto_reason').notNull().default(''),
    status: text('status', { enum: ['draft', 'submitted'] }).notNull(),
    updatedBy: text('updated_by')
      .notNull()
      .references(() => users.id),
    updatedAt: text('updated_at').notNull(),
    ratedBy: text('rated_by').references(() => users.id),
    ratedAt: text('rated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('quality_ratings_agency_idx').on(t.agencyId, t.status), index('quality_ratings_bureau_idx').on(t.financeBureauId, t.status)],
)

// ---- Results application (issue 7) --------------------------------------------------------------

// 结果应用: the commissioning bureau's budget decision for an accepted engagement, with the accepted
// report version and the grade it was taken on, so a later look sees what the decision rested on.
export const budgetDecisions = sqliteTable('budget_decisions', {
  id: text('id').primaryKey(),
  engagementId: text('engagement_id')
    .notNull()
    .unique()
    .references(() => engagements.id),
  reportVersionId: text('report_version_id')
    .notNull()
    .references(() => reportVersions.id),
  grade: text('grade').notNull(),
  decision: text('decision', { enum: ['priority', 'maintain', 'reduce', 'suspend', 'cancel'] }).notNull(),
  // 压减 only: the percentage cut from next year's budget, 1..100; null for every other decision.
  cutPercent: integer('cut_percent'),
  note: text('note').notNull().default(''),
  decidedBy: text('decided_by')
    .notNull()
    .references(() => users.id),
  decidedAt: text('decided_at').notNull(),
  version: integer('version').notNull().default(1),
})

// ---- Submission and review (issue 7) ------------------------------------------------------------

// 提交财政: each round sends one issued report version to the commissioning bureau, which returns it
// with comments or accepts it. Rounds are numbered per engagement; at most one waits at a time.
export const reportSubmissions = sqliteTable(
  'report_submissions',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    versionId: text('version_id')
      .notNull()
      .references(() => reportVersions.id),
    roundNo: integer('round_no').notNull(),
    status: text('status', { enum: ['pending', 'returned', 'accepted'] }).notNull(),
    submittedBy: text('submitted_by')
      .notNull()
      .references(() => users.id),
    submittedAt: text('submitted_at').notNull(),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: text('decided_at'),
    decisionNote: text('decision_note').notNull().default(''),
  },
  (t) => [
    uniqueIndex('report_submissions_round_uq').on(t.engagementId, t.roundNo),
    uniqueIndex('report_submissions_version_uq').on(t.versionId),
    index('report_submissions_status_idx').on(t.status, t.submittedAt),
  ],
)

// A reviewer's comment on one submission, anchored to a section heading (level 1–2) or a leaf
// indicator code. It stays the reviewer's draft (published_at null) until the round is decided;
// the agency answers each published comment before it submits again.
export const reviewComments = sqliteTable(
  'review_comments',
  {
    id: text('id').primaryKey(),
    submissionId: text('submission_id')
      .notNull()
      .references(() => reportSubmissions.id),
    anchorKind: text('anchor_kind', { enum: ['section', 'indicator'] }).notNull(),
    anchor: text('anchor').notNull(),
    anchorLabel: text('anchor_label').notNull(),
    body: text('body').notNull(),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    publishedAt: text('published_at'),
    answer: text('answer'),
    answeredBy: text('answered_by').references(() => users.id),
    answeredAt: text('answered_at'),
  },
  (t) => [index('review_comments_submission_idx').on(t.submissionId, t.createdAt)],
)

// ---- Stored files and rectification (issue 7) ---------------------------------------------------

// Uploaded files (evidence now, attachments later): the bytes live outside the web root under the
// database's directory, named by a random storage name, never by what the user called the file.
// A row and its file never change (triggers): a new upload is a new file.
export const storedFiles = sqliteTable(
  'stored_files',
  {
    id: text('id').primaryKey(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    // Sniffed from the first bytes (and the ZIP's members), never taken from the name or the client.
    mime: text('mime').notNull(),
    // The client's name, cleaned and capped: shown and offered on download, never used as a path.
    originalName: text('original_name').notNull(),
    storageName: text('storage_name').notNull().unique(),
    uploadedBy: text('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedAt: text('uploaded_at').notNull(),
  },
  (t) => [index('stored_files_uploader_idx').on(t.uploadedBy, t.uploadedAt)],
)

// 整改事项: one problem of the report the evaluated unit must fix by a deadline. The reviewer or the
// agency proposes it; it reaches the unit once confirmed (by the other side, or by the reviewer).
export const rectificationItems = sqliteTable(
  'rectification_items',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    problem: text('problem').notNull(),
    requirement: text('requirement').notNull(),
    evaluatedUnitId: text('evaluated_unit_id')
      .notNull()
      .references(() => evaluatedUnits.id),
    deadline: text('deadline').notNull(), // YYYY-MM-DD, the last day
    // 待确认 → 整改中 → 已报告 → 已通过; 不通过 (its reason in the history) returns it to 整改中.
    status: text('status', { enum: ['pending', 'in_progress', 'reported', 'passed'] }).notNull(),
    // The report version the problem was taken from, when it came from 从报告问题生成.
    reportVersionId: text('report_version_id').references(() => reportVersions.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    confirmedBy: text('confirmed_by').references(() => users.id),
    confirmedAt: text('confirmed_at'),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('rectification_items_engagement_idx').on(t.engagementId, t.createdAt),
    index('rectification_items_unit_idx').on(t.evaluatedUnitId, t.status),
  ],
)

// An item's history, append-only: proposed, confirmed, each progress report of the unit, each
// verdict of the reviewer (通过, or 不通过 with its reason).
export const rectificationUpdates = sqliteTable(
  'rectification_updates',
  {
    id: text('id').primaryKey(),
    itemId: text('item_id')
      .notNull()
      .references(() => rectificationItems.id),
    kind: text('kind', { enum: ['created', 'edited', 'confirmed', 'progress', 'passed', 'failed'] }).notNull(),
    note: text('note').notNull().default(''),
    actorUserId: text('actor_user_id')
      .notNull()
      .references(() => users.id),
    at: text('at').notNull(),
  },
  (t) => [index('rectification_updates_item_idx').on(t.itemId, t.at)],
)

// Evidence files attached to a progress report.
export const rectificationEvidence = sqliteTable(
  'rectification_evidence',
  {
    id: text('id').primaryKey(),
    itemId: text('item_id')
      .notNull()
      .references(() => rectificationItems.id),
    updateId: text('update_id')
      .notNull()
      .references(() => rectificationUpdates.id),
    fileId: text('file_id')
      .notNull()
      .references(() => storedFiles.id),
  },
  (t) => [index('rectification_evidence_item_idx').on(t.itemId), uniqueIndex('rectification_evidence_file_uq').on(t.fileId)],
)

// ---- Credit records (issue 8) -------------------------------------------------------------------

// 信用政策: a bureau's credit policy, versioned; the latest version is in force. A bureau without one
// uses the built-in default (app/domain/credit/policy.ts DEFAULT_POLICY).
export const creditPolicies = sqliteTable(
  'credit_policies',
  {
    id: text('id').primaryKey(),
    financeBureauId: text('finance_bureau_id')
      .notNull()
      .references(() => organizations.id),
    versionNo: integer('version_no').notNull(),
    policyJson: text('policy_json').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('credit_policies_uq').on(t.financeBureauId, t.versionNo)],
)

// 信用记录: one entry in a subject's credit file. The subject is an agency (organizations), a
// practitioner (users) or an expert (experts), hence no foreign key on subject_id. An automatic entry
// names what produced it (source, source_ref) so the same event never enters twice. The current
// status and amendment are kept here for lists; the appeals table keeps how and when they changed.
export const creditEntries = sqliteTable(
  'credit_entries',
  {
    id: text('id').primaryKey(),
    subjectType: text('subject_type', { enum: ['agency', 'practitioner', 'expert'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    kind: text('kind').notNull(),
    severity: text('severity', { enum: ['minor', 'general', 'serious', 'grave'] }),
    // Hundredths as issued; null takes the policy's points.
    points: integer('points'),
    effectiveOn: text('effective_on').notNull(),
    // First day it no longer counts; null takes the policy's expiry.
    expiresOn: text('expires_on'),
    description: text('description').notNull(),
    source: text('source').notNull(),
    sourceRef: text('source_ref'),
    issuerOrgId: text('issuer_org_id')
      .notNull()
      .references(() => organizations.id),
    // Null for an automatic entry no person issued (late scoring).
    issuedBy: text('issued_by').references(() => users.id),
    // The bureau whose policy the entry was issued under (the issuer, or the engagement's bureau).
    bureauId: text('bureau_id').references(() => organizations.id),
    engagementId: text('engagement_id').references(() => engagements.id),
    status: text('status', { enum: ['active', 'amended', 'revoked'] }).notNull().default('active'),
    amendedSeverity: text('amended_severity', { enum: ['minor', 'general', 'serious', 'grave'] }),
    amendedPoints: integer('amended_points'),
    amendedExpiresOn: text('amended_expires_on'),
    recordedAt: text('recorded_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('credit_entries_subject_idx').on(t.subjectType, t.subjectId, t.effectiveOn),
    uniqueIndex('credit_entries_source_uq').on(t.source, t.sourceRef),
    index('credit_entries_issuer_idx').on(t.issuerOrgId, t.recordedAt),
  ],
)

// 申诉: the subject's appeal against a negative entry, and the issuer's decision (维持/变更/撤销).
// One appeal per entry; a decided appeal is final.
export const creditAppeals = sqliteTable(
  'credit_appeals',
  {
    id: text('id').primaryKey(),
    entryId: text('entry_id')
      .notNull()
      .unique()
      .references(() => creditEntries.id),
    filedBy: text('filed_by')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    filedAt: text('filed_at').notNull(),
    status: text('status', { enum: ['pending', 'upheld', 'amended', 'revoked'] }).notNull().default('pending'),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: text('decided_at'),
    decisionReason: text('decision_reason').notNull().default(''),
    amendedSeverity: text('amended_severity', { enum: ['minor', 'general', 'serious', 'grave'] }),
    amendedPoints: integer('amended_points'),
    amendedExpiresOn: text('amended_expires_on'),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('credit_appeals_status_idx').on(t.status, t.filedAt)],
)

// Evidence files of an entry (appeal_id null) or of its appeal.
export const creditFiles = sqliteTable(
  'credit_files',
  {
    id: text('id').primaryKey(),
    entryId: text('entry_id')
      .notNull()
      .references(() => creditEntries.id),
    appealId: text('appeal_id').references(() => creditAppeals.id),
    fileId: text('file_id')
      .notNull()
      .references(() => storedFiles.id),
  },
  (t) => [index('credit_files_entry_idx').on(t.entryId), uniqueIndex('credit_files_file_uq').on(t.fileId)],
)

// A computed standing kept each time a subject's file changes: what the subject was shown then,
// under which policy version. Recomputing from the entries as known at `asOf` must give the same.
export const creditSnapshots = sqliteTable(
  'credit_snapshots',
  {
    id: text('id').primaryKey(),
    subjectType: text('subject_type', { enum: ['agency', 'practitioner', 'expert'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    // credit_policies.id, or 'default' for the built-in policy.
    policyId: text('policy_id').notNull(),
    policyVersion: integer('policy_version').notNull(),
    onDate: text('on_date').notNull(),
    asOf: text('as_of').notNull(),
    score: integer('score').notNull(),
    grade: text('grade').notNull(),
    blacklistedFrom: text('blacklisted_from'),
    blacklistedTo: text('blacklisted_to'),
    cause: text('cause').notNull(),
  },
  (t) => [index('credit_snapshots_subject_idx').on(t.subjectType, t.subjectId, t.asOf)],
)

// 专家履职评价: after an engagement the agency rates each seated expert on four aspects and overall;
// the overall rating enters the expert's credit file (credit_entry_id) unless it is 称职.
export const expertRatings = sqliteTable(
  'expert_ratings',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    expertId: text('expert_id')
      .notNull()
      .references(() => experts.id),
    aspectsJson: text('aspects_json').notNull(),
    overall: text('overall', { enum: ['excellent', 'competent', 'basically_competent', 'incompetent'] }).notNull(),
    comment: text('comment').notNull().default(''),
    ratedBy: text('rated_by')
      .notNull()
      .references(() => users.id),
    ratedAt: text('rated_at').notNull(),
    creditEntryId: text('credit_entry_id').references(() => creditEntries.id),
  },
  (t) => [uniqueIndex('expert_ratings_uq').on(t.engagementId, t.expertId)],
)

// 绩效运行监控 (issue 9 item 5): one sheet per monitoring engagement with the budget execution
// figures (null until entered), the warning thresholds in hundredths of a percentage point, and the
// report's suggestions; its rows are the target indicators, replaced as a whole on each save.
export const monitoringSheets = sqliteTable('monitoring_sheets', {
  engagementId: text('engagement_id')
    .primaryKey()
    .references(() => engagements.id),
  budgetFen: integer('budget_fen'),
  spentFen: integer('spent_fen'),
  asOf: text('as_of'), // YYYY-MM-DD
  basis: text('basis', { enum: ['month', 'day'] })
    .notNull()
    .default('month'),
  budgetYellow: integer('budget_yellow').notNull().default(1000),
  budgetRed: integer('budget_red').notNull().default(2000),
  indicatorYellow: integer('indicator_yellow').notNull().default(1000),
  indicatorRed: integer('indicator_red').notNull().default(2000),
  suggestions: text('suggestions').notNull().default(''),
  updatedBy: text('updated_by')
    .notNull()
    .references(() => users.id),
  updatedAt: text('updated_at').notNull(),
  version: integer('version').notNull().default(1),
})

export const monitoringIndicators = sqliteTable(
  'monitoring_indicators',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => monitoringSheets.engagementId),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    unit: text('unit').notNull().default(''),
    direction: text('direction', { enum: ['positive', 'negative'] }).notNull(),
    measure: text('measure', { enum: ['quantitative', 'qualitative'] }).notNull(),
    annualTarget: text('annual_target').notNull(),
    ytdActual: text('ytd_actual').notNull(),
    expectedFullYear: text('expected_full_year').notNull(),
    cause: text('cause', { enum: ['funding', 'institutional', 'staffing', 'facilities', 'other'] }),
    causeNote: text('cause_note').notNull().default(''),
    likelihood: text('likelihood', { enum: ['certain', 'possible', 'impossible'] }).notNull(),
    remark: text('remark').notNull().default(''),
  },
  (t) => [uniqueIndex('monitoring_indicators_position_uq').on(t.engagementId, t.position)],
)

// ---- Satisfaction surveys (issue 9 item 3) ------------------------------------------------------

// 满意度调查: a questionnaire (app/domain/fieldwork/survey.ts Questionnaire as JSON) per engagement,
// the population it samples (for the margin's finite population correction) and the 满意度 leaf of
// the sheet its rate feeds. The questionnaire is fixed once responses are imported (status
// 'collected'): the stored answers refer to its question ids and levels.
export const surveys = sqliteTable(
  'surveys',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    title: text('title').notNull(),
    questionnaireJson: text('questionnaire_json').notNull(),
    population: integer('population'),
    indicatorCode: text('indicator_code'),
    status: text('status', { enum: ['draft', 'collected'] }).notNull().default('draft'),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('surveys_engagement_idx').on(t.engagementId, t.createdAt)],
)

// One uploaded response file: kept from upload (status 'uploaded') through the mapping and preview
// steps; the import parses it again and stores every response at once (status 'imported'), or
// nothing. 'discarded' is an upload the user dropped; its file stays with the engagement's papers.
export const surveyImports = sqliteTable(
  'survey_imports',
  {
    id: text('id').primaryKey(),
    surveyId: text('survey_id')
      .notNull()
      .references(() => surveys.id),
    fileId: text('file_id')
      .notNull()
      .references(() => storedFiles.id),
    status: text('status', { enum: ['uploaded', 'imported', 'discarded'] }).notNull().default('uploaded'),
    // ColumnMapping as JSON, the last one the user saved or imported with.
    mappingJson: text('mapping_json'),
    rowCount: integer('row_count'),
    // SurveyResponse[] as JSON, set by the import.
    responsesJson: text('responses_json'),
    uploadedBy: text('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedAt: text('uploaded_at').notNull(),
    importedBy: text('imported_by').references(() => users.id),
    importedAt: text('imported_at'),
  },
  (t) => [index('survey_imports_survey_idx').on(t.surveyId, t.uploadedAt), uniqueIndex('survey_imports_file_uq').on(t.fileId)],
)

// ---- Working papers (issue 9) -------------------------------------------------------------------

// 工作底稿: a paper of an engagement, optionally against an indicator code of its sheet. Its files
// are versions (working_paper_versions); a paper is never removed, only marked deleted after the
// engagement's retention date, by the agency's admin (deleted_at/by/reason, audited).
export const workingPapers = sqliteTable(
  'working_papers',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    indicatorCode: text('indicator_code'),
    title: text('title').notNull(),
    note: text('note').notNull().default(''),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    deletedAt: text('deleted_at'),
    deletedBy: text('deleted_by').references(() => users.id),
    deleteReason: text('delete_reason'),
  },
  (t) => [index('working_papers_engagement_idx').on(t.engagementId, t.indicatorCode)],
)

// Each upload of a paper is a new version with its stored file; a version is never replaced.
export const workingPaperVersions = sqliteTable(
  'working_paper_versions',
  {
    id: text('id').primaryKey(),
    paperId: text('paper_id')
      .notNull()
      .references(() => workingPapers.id),
    versionNo: integer('version_no').notNull(),
    fileId: text('file_id')
      .notNull()
      .references(() => storedFiles.id),
    comment: text('comment').notNull().default(''),
    uploadedBy: text('uploaded_by')
      .notNull()
      .references(() => users.id),
    uploadedAt: text('uploaded_at').notNull(),
  },
  (t) => [uniqueIndex('working_paper_versions_no_uq').on(t.paperId, t.versionNo), uniqueIndex('working_paper_versions_file_uq').on(t.fileId)],
)

// An engagement's retention date when the lead or the agency's admin set one; without a row the
// date is 10 years after the engagement reached 归档 (none before that).
export const engagementRetention = sqliteTable('engagement_retention', {
  engagementId: text('engagement_id')
    .primaryKey()
    .references(() => engagements.id),
  retainUntil: text('retain_until').notNull(), // YYYY-MM-DD, the last day papers are kept
  setBy: text('set_by')
    .notNull()
    .references(() => users.id),
  setAt: text('set_at').notNull(),
  version: integer('version').notNull().default(1),
})

// ---- Document requests and the feedback round (issue 9) ----------------------------------------

// 资料清单: one document the agency asks an evaluated unit of the engagement for, by a due date.
// 待提交 → 已提交 (the unit uploaded) → 已确认, or 需补充 (with the agency's comment) → 已提交 again.
export const documentRequests = sqliteTable(
  'document_requests',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    evaluatedUnitId: text('evaluated_unit_id')
      .notNull()
      .references(() => evaluatedUnits.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    dueDate: text('due_date').notNull(), // YYYY-MM-DD, the last day
    status: text('status', { enum: ['pending', 'submitted', 'more_needed', 'confirmed'] }).notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('document_requests_engagement_idx').on(t.engagementId, t.dueDate), index('document_requests_unit_idx').on(t.evaluatedUnitId, t.status)],
)

// A request's history, append-only: created, edited, each upload, each 确认 / 需补充 with its comment.
export const documentRequestEvents = sqliteTable(
  'document_request_events',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => documentRequests.id),
    kind: text('kind', { enum: ['created', 'edited', 'uploaded', 'confirmed', 'more_needed'] }).notNull(),
    note: text('note').notNull().default(''),
    actorUserId: text('actor_user_id')
      .notNull()
      .references(() => users.id),
    at: text('at').notNull(),
  },
  (t) => [index('document_request_events_request_idx').on(t.requestId, t.at)],
)

// The files uploaded against a request, numbered per request; a new upload never replaces an old one.
export const documentRequestFiles = sqliteTable(
  'document_request_files',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => documentRequests.id),
    eventId: text('event_id')
      .notNull()
      .references(() => documentRequestEvents.id),
    versionNo: integer('version_no').notNull(),
    fileId: text('file_id')
      .notNull()
      .references(() => storedFiles.id),
  },
  (t) => [uniqueIndex('document_request_files_no_uq').on(t.requestId, t.versionNo), uniqueIndex('document_request_files_file_uq').on(t.fileId)],
)

// 征求意见: a report version sent to the engagement's evaluated units, answered by a deadline.
export const feedbackRounds = sqliteTable(
  'feedback_rounds',
  {
    id: text('id').primaryKey(),
    engagementId: text('engagement_id')
      .notNull()
      .references(() => engagements.id),
    reportVersionId: text('report_version_id')
      .notNull()
      .references(() => reportVersions.id),
    deadline: text('deadline').notNull(), // YYYY-MM-DD, the last day answers are taken
    sentBy: text('sent_by')
      .notNull()
      .references(() => users.id),
    sentAt: text('sent_at').notNull(),
  },
  (t) => [index('feedback_rounds_engagement_idx').on(t.engagementId, t.sentAt)],
)

// One point the unit raised on the draft (anchored to a section or an indicator) and the agency's
// decision on it (采纳 / 部分采纳 / 不采纳 with an explanation), which goes into the report's annex.
export const feedbackPoints = sqliteTable(
  'feedback_points',
  {
    id: text('id').primaryKey(),
    roundId: text('round_id')
      .notNull()
      .references(() => feedbackRounds.id),
    evaluatedUnitId: text('evaluated_unit_id')
      .notNull()
      .references(() => evaluatedUnits.id),
    anchorKind: text('anchor_kind', { enum: ['section', 'indicator'] }).notNull(),
    anchor: text('anchor').notNull(),
    anchorLabel: text('anchor_label').notNull(),
    comment: text('comment').notNull(),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    adoption: text('adoption', { enum: ['adopted', 'partly', 'not_adopted'] }),
    response: text('response').notNull().default(''),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: text('decided_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('feedback_points_round_idx').on(t.roundId, t.createdAt)],
)
