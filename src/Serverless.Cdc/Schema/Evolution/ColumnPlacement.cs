namespace Serverless.Cdc.Schema.Evolution;

/// <summary>Where an added or changed column goes: <c>FIRST</c>, <c>AFTER</c> a column, or (neither) the end for ADD and its own place for CHANGE/MODIFY.</summary>
public sealed record ColumnPlacement(bool First, string? After)
{
    public static readonly ColumnPlacement Default = new(false, null);

    public static readonly ColumnPlacement AtFirst = new(true, null);

    public static ColumnPlacement AfterColumn(string column) => new(false, column);

    public override string ToString() => First ? "FIRST" : After is null ? string.Empty : "AFTER " + After;
}
