using Serverless.Orchestrations.Lake;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// MigrateTable's result: the lake table's schema outcome and where its snapshot stands. <see cref="SnapshotSequence"/>
/// is the last snapshot commit sequence the table holds; a snapshot numbers its commits after it.
/// <see cref="SnapshotComplete"/> means an earlier run finished the table, so it is not read again.
/// </summary>
public sealed record TableMigration(string SourceTable, LakeMigration Lake, long SnapshotSequence, bool SnapshotComplete);
