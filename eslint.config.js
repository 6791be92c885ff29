import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const SQL_IN_DB = 'SQL lives in db/: call a store function instead.';
/** Route → action → store (CONVENTIONS.md, Layers): what code outside db/ may not import. */
const layering = (extra = {}) => ({
  paths: [
    { name: 'drizzle-orm', message: SQL_IN_DB },
    ...(extra.allowDriver ? [] : [{ name: 'better-sqlite3', message: SQL_IN_DB }]),
  ],
  patterns: [
    { group: ['drizzle-orm/*'], message: SQL_IN_DB },
    { group: ['**/db/schema', '**/db/schema/*', '**/db/schema*'], message: 'Tables are db/ business: call a store function and use its plain types.' },
    { group: ['**/tests/*', '**/tests/**'], message: 'Production code does not import test helpers.' },
    ...(extra.patterns ?? []),
  ],
});
const noClientHandle = {
  selector: "MemberExpression[property.name='$client']",
  message: 'The raw SQLite connection is db/ business: add a store or driver function in db/.',
};
const ENGINE_NEUTRAL = 'server/ runs on SQLite and PostgreSQL alike: take a Db and reach it through a store (sqlOf in db/).';
/** The SQLite-only handles and the engine test, by any name or path they are reached (import, type, `import()` type). */
const noSqliteHandle = {
  selector: "Identifier[name=/^(SqliteDb|SqliteTx|isSqlite|sqliteSql|pgHandle|bindSql)$/]",
  message: ENGINE_NEUTRAL,
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'bench/cache/', 'db/migrations/', 'data/', 'tests/artifacts/', 'docs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      'no-sequences': 'off',
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    // Route → action → store: every SQL statement lives in db/; nothing above it reaches the driver.
    files: ['server/**/*.ts', 'seeds/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', layering()],
      'no-restricted-syntax': ['error', noClientHandle],
    },
  },
  {
    // Actions post through postLedgerEntry (async, in transaction()); the synchronous core is for db/ and fixtures.
    // server/ never depends on seeds/ (seeds may call actions and stores).
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        layering({
          patterns: [
            { group: ['**/db/ledger', '**/db/ledger/*'], importNames: ['appendLedgerEntry'], message: 'Post through postLedgerEntry inside transaction().' },
            { group: ['**/seeds/*', '**/seeds/**'], message: 'server/ does not import seeds/: the demo is started by seeds/start.ts.' },
            { group: ['**/db/client'], importNames: ['SqliteDb', 'pgHandle'], message: ENGINE_NEUTRAL },
            { group: ['**/db/transaction'], importNames: ['SqliteTx'], message: ENGINE_NEUTRAL },
            { group: ['**/db/sql'], importNames: ['isSqlite', 'sqliteSql', 'bindSql'], message: ENGINE_NEUTRAL },
          ],
        }),
      ],
      // Db has no drizzle or $client (db/client.ts): naming the SQLite type or the engine test here would undo that.
      'no-restricted-syntax': ['error', noClientHandle, noSqliteHandle],
    },
  },
  {
    // A forgotten await inside transaction() lets a write run after COMMIT, outside it: type-aware checks.
    files: ['server/**/*.ts', 'db/**/*.ts', 'seeds/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
);
