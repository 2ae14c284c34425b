namespace Serverless.Delta.Checkpoints;

/// <summary>One node of a nested Parquet schema (a group or a primitive leaf), with its Dremel levels.</summary>
internal sealed class ParquetNode
{
    public const int Required = 0;
    public const int Optional = 1;
    public const int Repeated = 2;

    // Parquet physical types.
    public const int Boolean = 0;
    public const int Int32 = 1;
    public const int Int64 = 2;
    public const int Int96 = 3;
    public const int Float = 4;
    public const int Double = 5;
    public const int ByteArray = 6;
    public const int FixedLenByteArray = 7;

    // Converted types used by checkpoints.
    public const int Utf8 = 0;
    public const int Map = 1;
    public const int MapKeyValue = 2;
    public const int List = 3;

    public ParquetNode(string name, int repetition, int? physicalType = null, int? convertedType = null, IReadOnlyList<ParquetNode>? children = null)
    {
        Name = name;
        Repetition = repetition;
        PhysicalType = physicalType;
        ConvertedType = convertedType;
        Children = children ?? [];
    }

    public string Name { get; }

    public int Repetition { get; }

    public int? PhysicalType { get; }

    public int? ConvertedType { get; }

    public int TypeLength { get; init; }

    public IReadOnlyList<ParquetNode> Children { get; }

    public bool IsLeaf => Children.Count == 0 && PhysicalType is not null;

    /// <summary>Definition level when this node is present.</summary>
    public int DefinitionLevel { get; private set; }

    /// <summary>Repetition level of this node (the number of repeated ancestors, itself included).</summary>
    public int RepetitionLevel { get; private set; }

    /// <summary>Dotted path from the root (root excluded), e.g. "add.partitionValues.key_value.key".</summary>
    public string Path { get; private set; } = string.Empty;

    public static ParquetNode String(string name, int repetition = Optional) => new(name, repetition, ByteArray, Utf8);

    public static ParquetNode Long(string name) => new(name, Optional, Int64);

    public static ParquetNode Int(string name) => new(name, Optional, Int32);

    public static ParquetNode Bool(string name) => new(name, Optional, Boolean);

    public static ParquetNode Group(string name, params ParquetNode[] children) => new(name, Optional, null, null, children);

    /// <summary>map&lt;string,string&gt; in the standard three-level layout.</summary>
    public static ParquetNode StringMap(string name) =>
        new(name, Optional, null, Map, [new ParquetNode("key_value", Repeated, null, MapKeyValue, [String("key", Required), String("value")])]);

    /// <summary>array&lt;string&gt; in the standard three-level layout.</summary>
    public static ParquetNode StringList(string name) =>
        new(name, Optional, null, List, [new ParquetNode("list", Repeated, null, null, [String("element")])]);

    /// <summary>Computes levels and paths for this subtree (call on the root).</summary>
    public void Resolve(string parentPath = "", int parentDefinition = 0, int parentRepetition = 0, bool isRoot = true)
    {
        DefinitionLevel = isRoot ? 0 : parentDefinition + (Repetition == Required ? 0 : 1);
        RepetitionLevel = isRoot ? 0 : parentRepetition + (Repetition == Repeated ? 1 : 0);
        Path = isRoot ? string.Empty : parentPath.Length == 0 ? Name : parentPath + "." + Name;
        foreach (var c in Children)
        {
            c.Resolve(Path, DefinitionLevel, RepetitionLevel, isRoot: false);
        }
    }

    /// <summary>Position of this leaf among the schema's leaves (set by <see cref="Resolve"/>).</summary>
    public int LeafIndex { get; private set; } = -1;

    /// <summary>The leaves under this node, cached after <see cref="Resolve"/>.</summary>
    public IReadOnlyList<ParquetNode> LeafList { get; private set; } = [];

    /// <summary>Numbers the leaves and caches each node's leaf list (call on the root after <see cref="Resolve"/>).</summary>
    public void IndexLeaves()
    {
        var all = Leaves().ToList();
        for (var i = 0; i < all.Count; i++)
        {
            all[i].LeafIndex = i;
        }

        Cache(this);

        static void Cache(ParquetNode node)
        {
            node.LeafList = node.Leaves().ToList();
            foreach (var c in node.Children)
            {
                Cache(c);
            }
        }
    }

    public IEnumerable<ParquetNode> Leaves()
    {
        if (Children.Count == 0)
        {
            yield return this;
            yield break;
        }

        foreach (var c in Children)
        {
            foreach (var l in c.Leaves())
            {
                yield return l;
            }
        }
    }

    public ParquetNode? Child(string name)
    {
        foreach (var c in Children)
        {
            if (c.Name == name)
            {
                return c;
            }
        }

        return null;
    }
}
