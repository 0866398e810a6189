/**
 * Names the decision core had in 0.1 and 0.2, kept as deprecated aliases so programs and policy packs written
 * against them still compile. "plan" now names only the CLI command (`pulumi-kubefed plan`): the replica planner
 * is the replica scheduler (core/scheduler.ts), and a federated object's, chart's or kustomization's plan is its
 * decision (core/decision.ts, chart.ts, kustomization.ts). Exported from `pulumi-kubefed/core` beside the new names.
 */
import type { FederatedObjectDecision } from "../core/types";
import type { FederatedChartDecision, FederatedChartInput } from "../core/chart";
import type { FederatedKustomizationDecision, FederatedKustomizationInput } from "../core/kustomization";
import type { FailoverSchedule, FailoverScheduleInput, ReplicaSchedule, ReplicaScheduleInput } from "../core/scheduler";
import { scheduleFailover, scheduleReplicas } from "../core/scheduler";
import { decideFederatedObject } from "../core/decision";
import { decideFederatedChart } from "../core/chart";
import { decideFederatedKustomization } from "../core/kustomization";
import { summarizeObjectDecision, summarizeRenderedDecision } from "../core/summarize";

/** @deprecated Use {@link ReplicaScheduleInput}. */
export type ReplicaPlanInput = ReplicaScheduleInput;
/** @deprecated Use {@link ReplicaSchedule}. */
export type ReplicaPlan = ReplicaSchedule;
/** @deprecated Use {@link FailoverScheduleInput}. */
export type FailoverPlanInput = FailoverScheduleInput;
/** @deprecated Use {@link FailoverSchedule}. */
export type FailoverPlan = FailoverSchedule;
/** @deprecated Use {@link scheduleReplicas}. */
export const planReplicas = scheduleReplicas;
/** @deprecated Use {@link scheduleFailover}. */
export const planFailover = scheduleFailover;

/** @deprecated Use {@link FederatedObjectDecision}. */
export type FederatedObjectPlan = FederatedObjectDecision;
/** @deprecated Use {@link decideFederatedObject}. */
export const planFederatedObject = decideFederatedObject;
/** @deprecated Use {@link FederatedChartInput}. */
export type ChartPlanInput = FederatedChartInput;
/** @deprecated Use {@link FederatedChartDecision}. */
export type ChartPlan = FederatedChartDecision;
/** @deprecated Use {@link decideFederatedChart}. */
export const planFederatedChart = decideFederatedChart;
/** @deprecated Use {@link FederatedKustomizationInput}. */
export type KustomizationPlanInput = FederatedKustomizationInput;
/** @deprecated Use {@link FederatedKustomizationDecision}. */
export type KustomizationPlan = FederatedKustomizationDecision;
/** @deprecated Use {@link decideFederatedKustomization}. */
export const planFederatedKustomization = decideFederatedKustomization;
/** @deprecated Use {@link summarizeObjectDecision}. */
export const summarizeObjectPlan = summarizeObjectDecision;
/** @deprecated Use {@link summarizeRenderedDecision}. */
export const summarizeRenderedPlan = summarizeRenderedDecision;
