namespace Serverless.Delta.Compaction;

/// <summary>
/// Values a rewrite puts where columns hold null (<see cref="NullFillRewriter"/>): a column added with a default the
/// existing rows must read, or a column whose nulls a source replaced. With <see cref="BelowColumn"/> only rows whose
/// value there is below <see cref="BelowValue"/> are filled (rows written after the change carry their own values,
/// null included).
/// </summary>
/// <param name="Values">The value per column name (as <see cref="Scanning.DeltaValues"/> or a writer's row gives it; never null).</param>
public sealed record NullFill(IReadOnlyDictionary<string, object> Values)
{
    /// <summary>A column ordering the rows (a source position); null fills every row.</summary>
    public string? BelowColumn { get; init; }

    /// <summary>The bound in <see cref="BelowColumn"/>'s type: rows at or above it are left as they are.</summary>
    public object? BelowValue { get; init; }
}
