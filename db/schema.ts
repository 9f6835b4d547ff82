// Drizzle tables. TS names are camelCase, SQL names snake_case.
// Conventions (see docs/decisions): ids are ULID text; times are ISO-8601 UTC text
// ("2026-11-26T02:48:20.123Z"); money is integer fen; scores/weights are integer hundredths.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

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
