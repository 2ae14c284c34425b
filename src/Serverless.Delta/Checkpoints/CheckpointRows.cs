namespace Serverless.Delta.Checkpoints;

/// <summary>Row-wise access to the shredded leaf columns of a checkpoint (record assembly for known paths).</summary>
internal sealed class CheckpointRows
{
    private readonly ParquetNode root;
    private readonly Dictionary<string, LeafColumn> leaves;
    private readonly Dictionary<string, ParquetNode?> nodes = new(StringComparer.Ordinal);

    public CheckpointRows(ParquetNode root, Dictionary<string, LeafColumn> leaves)
    {
        this.root = root;
        this.leaves = leaves;
    }

    /// <summary>True when the group (or leaf) at <paramref name="path"/> is non-null in row <paramref name="row"/>.</summary>
    public bool Has(string path, int row)
    {
        var node = Node(path);
        if (node is null)
        {
            return false;
        }

        var leaf = leaves[FirstLeaf(node).Path];
        var e = leaf.RowStarts[row];
        return e < leaf.RowStarts[row + 1] && leaf.DefinitionAt(e) >= node.DefinitionLevel;
    }

    /// <summary>Whether any row in [from, to) has the group; returns the first such row.</summary>
    public bool Present(string path, int from, int to, out int row)
    {
        for (row = from; row < to; row++)
        {
            if (Has(path, row))
            {
                return true;
            }
        }

        return false;
    }

    public string? Str(string path, int row) => Scalar(path, row) as string;

    /// <summary>The raw value of a leaf in a row (long, double, bool, string or bytes), or null.</summary>
    public object? Value(string path, int row) => Scalar(path, row);

    public long? Long(string path, int row) => Scalar(path, row) as long?;

    public bool? Bool(string path, int row) => Scalar(path, row) as bool?;

    /// <summary>A map&lt;string,string&gt; column: null when the map is null.</summary>
    public Dictionary<string, string?>? Map(string path, int row)
    {
        var node = Node(path);
        if (node is null || node.Children.Count != 1 || node.Children[0].Children.Count != 2)
        {
            return null;
        }

        var kv = node.Children[0];
        var keys = leaves[kv.Children[0].Path];
        var values = leaves[kv.Children[1].Path];
        var start = keys.RowStarts[row];
        var end = keys.RowStarts[row + 1];
        if (start >= end || keys.DefinitionAt(start) < node.DefinitionLevel)
        {
            return null;
        }

        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        var vstart = values.RowStarts[row];
        for (var e = start; e < end; e++)
        {
            if (keys.DefinitionAt(e) >= kv.DefinitionLevel && keys.Values[e] is string k)
            {
                map[k] = values.Values[vstart + (e - start)] as string;
            }
        }

        return map;
    }

    /// <summary>An array&lt;string&gt; column (three-level or legacy two-level): null when the array is null.</summary>
    public List<string>? List(string path, int row)
    {
        var node = Node(path);
        if (node is null || node.Children.Count != 1)
        {
            return null;
        }

        var repeated = node.Children[0];
        var element = repeated.Children.Count == 1 ? repeated.Children[0] : repeated;
        var leaf = leaves[element.Path];
        var start = leaf.RowStarts[row];
        var end = leaf.RowStarts[row + 1];
        if (start >= end || leaf.DefinitionAt(start) < node.DefinitionLevel)
        {
            return null;
        }

        var list = new List<string>();
        for (var e = start; e < end; e++)
        {
            if (leaf.DefinitionAt(e) >= repeated.DefinitionLevel && leaf.Values[e] is string s)
            {
                list.Add(s);
            }
        }

        return list;
    }

    private object? Scalar(string path, int row)
    {
        if (!leaves.TryGetValue(path, out var leaf))
        {
            return null;
        }

        var e = leaf.RowStarts[row];
        return e < leaf.RowStarts[row + 1] ? leaf.Values[e] : null;
    }

    private ParquetNode? Node(string path)
    {
        if (!nodes.TryGetValue(path, out var node))
        {
            node = root;
            foreach (var part in path.Split('.'))
            {
                node = node?.Child(part);
            }

            nodes[path] = node;
        }

        return node;
    }

    private static ParquetNode FirstLeaf(ParquetNode node) => node.Children.Count == 0 ? node : FirstLeaf(node.Children[0]);
}
