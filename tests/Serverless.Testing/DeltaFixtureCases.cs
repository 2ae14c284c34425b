namespace Serverless.Testing;

/// <summary>Test cases over the foreign Delta tables in <see cref="RepoPaths.DeltaFixtures"/> (see its README).</summary>
public static class DeltaFixtureCases
{
    /// <summary>
    /// Every dat-* table with each of its expected versions ("latest", "v0", ...), as (table, expected) rows for
    /// xunit's MemberData.
    /// </summary>
    public static IEnumerable<object[]> DatTableVersions()
    {
        foreach (var table in Directory.EnumerateDirectories(RepoPaths.DeltaFixtures, "dat-*").Order(StringComparer.Ordinal))
        {
            foreach (var expected in Directory.EnumerateDirectories(Path.Combine(table, "expected")).Order(StringComparer.Ordinal))
            {
                yield return [Path.GetFileName(table), Path.GetFileName(expected)];
            }
        }
    }
}
