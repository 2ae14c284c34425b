using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Activities;

/// <summary>Input of CompleteTableSnapshot: the table's final snapshot counts.</summary>
public sealed record CompleteTableSnapshotInput(string JobName, TableSnapshotState State);
