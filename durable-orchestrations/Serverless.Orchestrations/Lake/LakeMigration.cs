namespace Serverless.Orchestrations.Lake;

/// <summary>What migrating one lake table did: created it, or evolved its schema to the source's (serializable).</summary>
/// <param name="LakeTable">The table's folder under the lake root.</param>
/// <param name="Version">The table version after the migration.</param>
/// <param name="Created">True when this migration created the table.</param>
/// <param name="AddedColumns">Source columns added to an existing table.</param>
/// <param name="WidenedColumns">Columns whose type was widened (e.g. int → long), as <c>name: from → to</c>.</param>
/// <param name="LakeOnlyColumns">Columns the lake table has but the source no longer has; kept (nullable), filled with nulls from now on.</param>
public sealed record LakeMigration(
    string LakeTable,
    long Version,
    bool Created,
    IReadOnlyList<string> AddedColumns,
    IReadOnlyList<string> WidenedColumns,
    IReadOnlyList<string> LakeOnlyColumns)
{
    /// <summary>NOT NULL lake columns made nullable because the source column now accepts NULL (or may map to null).</summary>
    public IReadOnlyList<string> RelaxedColumns { get; init; } = [];
}
