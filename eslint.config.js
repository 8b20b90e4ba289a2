// One ESLint config for the whole monorepo: typescript-eslint's type-aware rules, with each file checked
// against the tsconfig of its workspace (projectService). `npm run lint` runs it; `npm run format:check`
// runs Prettier separately, so formatting never blocks a lint.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// One zod API: zod 4 from the package root. Its "zod/v4" and "zod/v3" subpaths would let two APIs (and two
// copies of a schema) live side by side again. Every block that sets no-restricted-imports repeats this,
// since a later block's setting replaces an earlier one's.
const ZOD_SUBPATHS = {
  group: ["zod/*"],
  message: 'Import zod from "zod" (the zod 4 API); its subpaths (zod/v4, zod/v3, zod/mini) are a second API.',
};

export default tseslint.config(
  {
    // JavaScript is config or generated, except the board's page scripts (served as they are), linted below.
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.turbo/**",
      "infra/.run/**",
      "**/*.js",
      "**/*.cjs",
      "**/*.mjs",
      "!services/gateway/src/board/static/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Ports are Promise-returning interfaces; an implementation with nothing to await is still async by contract.
      "@typescript-eslint/require-await": "off",
      // Services are closures returned by factories (`{ ready() {…} }` never reads `this`), so passing
      // `svc.ready` around is safe; the rule cannot see that.
      "@typescript-eslint/unbound-method": "off",
      // Fastify accepts async hooks and handlers where its types say `void`.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { returns: false, arguments: false } }],
    },
  },
  {
    files: ["**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [ZOD_SUBPATHS] }] },
  },
  {
    // Tests read HTTP answers and Kafka records as JSON (`any`) and assert on their shape.
    files: ["**/*.test.ts", "test/**/*.ts", "**/testing/**/*.ts", "**/test-support*.ts", "**/*.fixtures.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
  {
    // The reference model (services/processor/src/engine/reference) is the spec restated for tests to check
    // the shipping engine against; production code importing it would make the check circular.
    files: ["**/*.ts"],
    ignores: ["services/processor/src/engine/reference/**", "**/*.test.ts", "**/testing/**", "test/**", "**/test/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ZOD_SUBPATHS,
            {
              regex: "(^|/)reference(/|$)",
              message: "engine/reference is the tests' independent reference model; production code must not import it.",
            },
          ],
        },
      ],
    },
  },
  {
    // And the other way round: the reference shares nothing with the shipping engine but the calendar, the
    // event types and the rule packs, so a bug in a shared rule cannot hide in both.
    files: ["services/processor/src/engine/reference/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ZOD_SUBPATHS,
            {
              regex: "^\\.\\./(?!calendar\\.js$)",
              message: "The reference model may import only ../calendar.js, @sg/events and @sg/rules from outside engine/reference.",
            },
            {
              regex: "^@sg/(?!events$|rules$)",
              message: "The reference model may import only ../calendar.js, @sg/events and @sg/rules from outside engine/reference.",
            },
          ],
        },
      ],
    },
  },
  {
    // The board's page scripts: browser ES modules, no tsconfig, so the rules that need types are off.
    files: ["services/gateway/src/board/static/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.browser, sourceType: "module", ecmaVersion: 2022 },
  },
);
