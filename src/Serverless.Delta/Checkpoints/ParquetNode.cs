using Serverless.Parquet;
using Serverless.Parquet.Format;
using AnnotationType = Serverless.Parquet.Format.ConvertedType;

namespace Serverless.Delta.Checkpoints;

/// <summary>
/// One node of a nested Parquet schema (a group or a primitive leaf) with its Dremel levels. Serverless.Parquet
/// models flat schemas only, so the tree and its levels live here; the footer form is its <see cref="SchemaElement"/> list.
/// </summary>
internal sealed class ParquetNode
{
    // parquet.thrift FieldRepetitionType values.
    public const int Required = 0;
    public const int Optional = 1;
    public const int Repeated = 2;

    public ParquetNode(string name, int repetition, ParquetPhysicalType? physicalType = null, AnnotationType? convertedType = null, IReadOnlyList<ParquetNode>? children = null)
    {
        Name = name;
        Repetition = repetition;
        PhysicalType = physicalType;
        ConvertedType = convertedType;
        Children = children ?? [];
    }

    public string Name { get; }

    public int Repetition { get; }

    public ParquetPhysicalType? PhysicalType { get; }

    public AnnotationType? ConvertedType { get; }

    public int TypeLength { get; init; }

    public IReadOnlyList<ParquetNode> Children { get; }

    public bool IsLeaf => Children.Count == 0 && PhysicalType is not null;

    /// <summary>Definition level when this node is present.</summary>
    public int DefinitionLevel { get; private set; }

    /// <summary>Repetition level of this node (the number of repeated ancestors, itself included).</summary>
    public int RepetitionLevel { get; private set; }

    /// <summary>Dotted path from the root (root excluded), e.g. "add.partitionValues.key_value.key".</summary>
    public string Path { get; private set; } = string.Empty;

    /// <summary>Position of this leaf among the schema's leaves (set by <see cref="IndexLeaves"/>).</summary>
    public int LeafIndex { get; private set; } = -1;

    /// <summary>The leaves under this node, cached by <see cref="IndexLeaves"/>.</summary>
    public IReadOnlyList<ParquetNode> LeafList { get; private set; } = [];

    public static ParquetNode String(string name, int repetition = Optional) => new(name, repetition, ParquetPhysicalType.ByteArray, AnnotationType.Utf8);

    public static ParquetNode Long(string name) => new(name, Optional, ParquetPhysicalType.Int64);

    public static ParquetNode Int(string name) => new(name, Optional, ParquetPhysicalType.Int32);

    public static ParquetNode Bool(string name) => new(name, Optional, ParquetPhysicalType.Boolean);

    public static ParquetNode Group(string name, params ParquetNode[] children) => new(name, Optional, null, null, children);

    /// <summary>map&lt;string,string&gt; in the standard three-level layout.</summary>
    public static ParquetNode StringMap(string name) =>
        new(name, Optional, null, AnnotationType.Map, [new ParquetNode("key_value", Repeated, null, AnnotationType.MapKeyValue, [String("key", Required), String("value")])]);

    /// <summary>array&lt;string&gt; in the standard three-level layout.</summary>
    public static ParquetNode StringList(string name) =>
        new(name, Optional, null, AnnotationType.List, [new ParquetNode("list", Repeated, null, null, [String("element")])]);

    /// <summary>Builds the tree from a footer's depth-first schema list, resolved and indexed.</summary>
    public static ParquetNode FromSchema(IReadOnlyList<SchemaElement> elements, string source)
    {
        if (elements.Count == 0)
        {
            throw new FormatException($"{source} has an empty Parquet schema.");
        }

        var index = 0;
        var root = FromElements(elements, ref index, 0, source);
        root.Resolve();
        root.IndexLeaves();
        return root;
    }

    /// <summary>The depth-first schema list of this tree (call on the root), as the footer stores it.</summary>
    public List<SchemaElement> ToSchema()
    {
        var elements = new List<SchemaElement>();
        AppendTo(elements, isRoot: true);
        return elements;
    }

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

    private static ParquetNode FromElements(IReadOnlyList<SchemaElement> elements, ref int index, int depth, string source)
    {
        if (index >= elements.Count)
        {
            throw new FormatException($"{source}: the Parquet schema ends early (element {index} of {elements.Count}).");
        }

        var e = elements[index++];
        var childCount = e.NumChildren ?? 0;
        if (childCount < 0 || childCount > elements.Count - index || depth > 64)
        {
            throw new FormatException($"{source}: schema element '{e.Name}' declares {childCount} children at depth {depth}, more than the schema holds.");
        }

        var children = new List<ParquetNode>(childCount);
        for (var i = 0; i < childCount; i++)
        {
            children.Add(FromElements(elements, ref index, depth + 1, source));
        }

        return new ParquetNode(e.Name, e.RepetitionType ?? Required, childCount == 0 ? e.Type : null, e.ConvertedType, children)
        {
            TypeLength = e.TypeLength ?? 0,
        };
    }

    private void AppendTo(List<SchemaElement> elements, bool isRoot)
    {
        elements.Add(new SchemaElement
        {
            Name = Name,
            Type = IsLeaf ? PhysicalType : null,
            RepetitionType = isRoot ? null : Repetition,
            NumChildren = IsLeaf ? null : Children.Count,
            ConvertedType = ConvertedType,
        });
        foreach (var c in Children)
        {
            c.AppendTo(elements, isRoot: false);
        }
    }
}
