// typescript-eslint strict-type-checked over every TypeScript file; prettier owns formatting.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Pure packages may not reach for platform APIs: they are tested in milliseconds and run anywhere. */
const platformImports = {
  patterns: [
    { group: ["node:*"], message: "core and protocol stay pure: no Node APIs" },
    { group: ["@tensorflow/*", "socket.io*", "preact*"], message: "core and protocol stay pure" },
    { group: ["@airlora/model", "@airlora/coordinator", "@airlora/web"], message: "dependencies point down" },
  ],
};

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "test-results/**", "playwright-report/**"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "*.mjs", "scripts/*.mjs", "apps/coordinator/bin/*.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node },
  },
  {
    files: ["packages/core/src/**/*.ts", "packages/protocol/src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", platformImports],
      "no-console": "error",
    },
  },
  {
    files: ["packages/model/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@airlora/protocol", "@airlora/coordinator", "@airlora/web"],
              message: "model depends on core only",
            },
          ],
        },
      ],
    },
  },
  prettier,
);
