import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
export type { DecisionSummary } from "../../../policy-pack/policies";
export type ResourceValidationPolicyLike = ResourceValidationPolicy;
export type StackValidationPolicyLike = StackValidationPolicy;
