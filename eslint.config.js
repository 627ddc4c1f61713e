// Type-aware lint: floating promises and misused promises are errors; each service may import
// only from shared/ (the folder is the service boundary, see STYLE.md rule 1).
import tseslint from 'typescript-eslint'

const services = ['gateway', 'world-node', 'auth-service']

const boundaryRules = services.map((service) => ({
  files: [`${service}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: services.filter((other) => other !== service).flatMap((other) => [
        { group: [`**/${other}/**`, `**/${other}`], message: `${service}/ may import only from shared/, not ${other}/` }
      ]).concat([{ group: ['**/embedded/**', '**/tests/**'], message: 'services may import only from shared/' }])
    }]
  }
}))

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench-results/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error'
    }
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/gateway/**', '**/world-node/**', '**/auth-service/**', '**/embedded/**'], message: 'shared/ holds contracts and imports no service' }] }]
    }
  },
  ...boundaryRules,
  { files: ['scripts/**/*.ts', 'tests/**/*.ts', 'eslint.config.js'], rules: { 'no-console': 'off' } },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked }
)
