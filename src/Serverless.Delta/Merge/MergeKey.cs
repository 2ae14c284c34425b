namespace Serverless.Delta.Merge;

/// <summary>A key value (one or more columns) with structural equality: byte arrays by content, other values by Equals.</summary>
internal readonly struct MergeKey : IEquatable<MergeKey>
{
    private readonly object?[] values;
    private readonly int hash;

    public MergeKey(object?[] values)
    {
        this.values = values;
        var h = default(HashCode);
        foreach (var v in values)
        {
            h.Add(v is byte[] b ? HashBytes(b) : v?.GetHashCode() ?? 0);
        }

        hash = h.ToHashCode();
    }

    public IReadOnlyList<object?> Values => values;

    public bool Equals(MergeKey other)
    {
        if (values.Length != other.values.Length)
        {
            return false;
        }

        for (var i = 0; i < values.Length; i++)
        {
            var a = values[i];
            var b = other.values[i];
            if (a is byte[] x && b is byte[] y ? !x.AsSpan().SequenceEqual(y) : !Equals(a, b))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is MergeKey k && Equals(k);

    public override int GetHashCode() => hash;

    public override string ToString() => "(" + string.Join(", ", values.Select(v => v is byte[] b ? Convert.ToHexString(b) : v?.ToString() ?? "null")) + ")";

    private static int HashBytes(byte[] bytes)
    {
        var h = default(HashCode);
        h.AddBytes(bytes);
        return h.ToHashCode();
    }
}
