/**
 * contractgen: the programmatic API. The CLI is a thin shell over these functions.
 */

export type {
  BreakingErrorCode,
  BreakingFinding,
  BreakingOptions,
  BreakingReport,
  Direction,
  Effect,
  IgnoredFinding,
  ReportFormat,
  RuleInfo,
  Severity,
} from "./breaking/index.js";
export {
  BreakingError,
  checkBreaking,
  formatReport,
  isBreakingError,
  JSON_SCHEMA_RULES,
  REPORT_FORMATS,
} from "./breaking/index.js";
export type {
  BreakingConfig,
  BreakingDirection,
  BreakingIgnore,
  ConfigFile,
  ConfigOverrides,
  ResolvedConfig,
  Target,
} from "./config.js";
export {
  ALL_TARGETS,
  CONFIG_FILE,
  JSON_SCHEMA_DEFAULT_ROOTS,
  parseTargets,
  resolveConfig,
} from "./config.js";
export type {
  ImplementationConfig,
  ReadinessCheck,
  TestConfig,
  TestIgnore,
} from "./contract-test/config.js";
export type { HarnessErrorCode } from "./contract-test/errors.js";
export { HarnessError, isHarnessError } from "./contract-test/errors.js";
export type {
  Answer,
  CaseKind,
  CaseResult,
  ContractTestOptions,
  ContractTestResult,
  Failure,
} from "./contract-test/index.js";
export { runContractTests } from "./contract-test/index.js";
export type { TestCounts, TestReportFormat } from "./contract-test/report.js";
export { countResults, formatTestReport, TEST_REPORT_FORMATS } from "./contract-test/report.js";
export type { ContractErrorCode, Diagnostic, DiagnosticSeverity } from "./errors.js";
export {
  ContractError,
  formatDiagnostic,
  formatLocation,
  isContractError,
  isErrorDiagnostic,
} from "./errors.js";
export type { GenerateOptions, GenerateResult } from "./generate.js";
export { generate, generateFiles } from "./generate.js";
export type { LintOptions, LintResult } from "./lint.js";
export { lint } from "./lint.js";
export type { LoadedContracts } from "./load/index.js";
export { loadContracts } from "./load/index.js";
export type {
  AliasDecl,
  Constraints,
  ContractFile,
  ContractKind,
  ContractModel,
  Decl,
  EnumDecl,
  EnumValueDecl,
  FieldDecl,
  Idempotency,
  JsonValue,
  MapKeyType,
  MessageDecl,
  MethodDecl,
  OneofDecl,
  Presence,
  ScalarType,
  ServiceDecl,
  SourceLocation,
  UnionDecl,
  UnionMember,
  ValueType,
  WellKnownType,
} from "./model/types.js";
export type { GeneratedFile } from "./ts/printer.js";
export type { JsonSchema } from "./wire/index.js";
export { wireId, wireSchemas } from "./wire/index.js";
