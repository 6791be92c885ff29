/** Schema types and enums the boards and public modules need, so they never import db/schema. */
export { boardKinds, reviewStatuses, type BoardKind, type ReviewStatus } from '../schema/boards';
export { ruleCategories, type RuleCategory } from '../schema/rules';
