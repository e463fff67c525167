// typescript-eslint strict-type-checked over every TypeScript file; prettier owns formatting.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Pure packages may not reach for platform APIs: they are tested in milliseconds and run anywhere. */
const platformImports = {
  patterns: [
    { group: ["node:*"], message: "core, protocol and rounds stay pure: no Node APIs" },
    { group: ["@tensorflow/*", "socket.io*", "preact*"], message: "core, protocol and rounds stay pure" },
    {
      group: ["@airlora/model", "@airlora/participant", "@airlora/rounds", "@airlora/coordinator", "@airlora/web"],
      message: "dependencies point down",
    },
  ],
};

/** rounds sits above core and protocol: the same purity, and it may import those two. */
const roundsImports = {
  patterns: [
    ...platformImports.patterns.slice(0, 2),
    {
      group: ["@airlora/model", "@airlora/participant", "@airlora/coordinator", "@airlora/web"],
      message: "rounds depends on core and protocol only",
    },
  ],
};

/** participant runs in a Web Worker, in Node and in the simulator: no Node APIs, no socket library, no pages. */
const participantImports = {
  patterns: [
    { group: ["node:*"], message: "participant runs in browsers too: no Node APIs" },
    { group: ["socket.io*", "preact*"], message: "the shells hand the participant a transport" },
    { group: ["@airlora/rounds", "@airlora/coordinator", "@airlora/web"], message: "dependencies point down" },
  ],
};

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "test-results/**", "playwright-report/**", ".scratch/**"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            "*.js",
            "*.mjs",
            "scripts/*.mjs",
            "apps/coordinator/bin/*.mjs",
            "apps/coordinator/src/*.mjs",
          ],
        },
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
    files: ["packages/rounds/src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", roundsImports],
      "no-console": "error",
    },
  },
  {
    files: ["packages/participant/src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", participantImports],
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
  {
    // Code that runs in the participant's worker reads tensors asynchronously: on WebGPU a synchronous read blocks
    // the worker's thread until the whole GPU queue drains (50 s on a software adapter), the socket it shares misses
    // its heartbeat and the coordinator drops the participant (docs/platform.md section 3).
    files: ["packages/model/src/**/*.ts", "packages/participant/src/**/*.ts", "apps/web/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/*test-helpers.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        ...["dataSync", "arraySync", "bufferSync"].map((property) => ({
          property,
          message: "read tensors with await data() / array() / buffer(): a sync read blocks the worker (webgpu)",
        })),
      ],
    },
  },
  prettier,
);
