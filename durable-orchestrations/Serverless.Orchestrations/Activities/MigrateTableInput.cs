using Serverless.Cdc.Schema;

namespace Serverless.Orchestrations.Activities;

/// <summary>Input of MigrateTable and PlanChunks: the job and one discovered source table.</summary>
public sealed record MigrateTableInput(string JobName, SourceTable Table);
