using System.Globalization;

namespace Serverless.Delta.Actions;

/// <summary>
/// Where a deletion vector lives: 'u' (a DV file next to the data, named by a UUID with an optional random
/// prefix), 'i' (inline, Z85 text) or 'p' (an absolute path).
/// </summary>
public sealed record DeletionVectorDescriptor(string StorageType, string PathOrInlineDv, int? Offset, int SizeInBytes, long Cardinality)
{
    public const string UuidRelative = "u";
    public const string Inline = "i";
    public const string AbsolutePath = "p";

    /// <summary>PROTOCOL.md derived field uniqueId: storageType + pathOrInlineDv, plus "@offset" when an offset is present.</summary>
    public string UniqueId => Offset is { } o
        ? string.Concat(StorageType, PathOrInlineDv, "@", o.ToString(CultureInfo.InvariantCulture))
        : StorageType + PathOrInlineDv;
}
