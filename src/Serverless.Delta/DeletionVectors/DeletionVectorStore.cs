using System.Buffers.Binary;
using Serverless.Delta.Actions;

namespace Serverless.Delta.DeletionVectors;

/// <summary>Reads deletion vectors from any storage type and writes them as DV files ('u') or inline ('i').</summary>
public static class DeletionVectorStore
{
    /// <summary>PROTOCOL.md: the format version byte that starts a DV file.</summary>
    public const byte FileFormatVersion = 1;

    /// <summary>Store path of the DV file a 'u' descriptor names: &lt;prefix&gt;/deletion_vector_&lt;uuid&gt;.bin.</summary>
    public static string RelativeFilePath(DeletionVectorDescriptor dv)
    {
        ArgumentNullException.ThrowIfNull(dv);
        if (dv.StorageType != DeletionVectorDescriptor.UuidRelative)
        {
            throw new ArgumentException($"Only 'u' deletion vectors have a table-relative file; this one is '{dv.StorageType}'.", nameof(dv));
        }

        var text = dv.PathOrInlineDv;
        if (text.Length < 20)
        {
            throw new DeltaException($"Deletion vector path '{text}' is shorter than the 20-character Z85 UUID it must end with.");
        }

        var prefix = text[..^20];
        var uuid = Z85.DecodeUuid(text.AsSpan(text.Length - 20));
        var name = "deletion_vector_" + uuid.ToString("D") + ".bin";
        return prefix.Length == 0 ? name : prefix + "/" + name;
    }

    /// <summary>The store path a descriptor's bytes live at (for 'u' and 'p').</summary>
    public static string StorePath(TableLocation table, DeletionVectorDescriptor dv)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(dv);
        return dv.StorageType switch
        {
            DeletionVectorDescriptor.UuidRelative => table.Resolve(RelativeFilePath(dv)),
            DeletionVectorDescriptor.AbsolutePath => table.ResolveActionPath(dv.PathOrInlineDv),
            _ => throw new DeltaException($"Deletion vector storage type '{dv.StorageType}' has no file."),
        };
    }

    public static async Task<RoaringBitmapArray> ReadAsync(TableLocation table, DeletionVectorDescriptor dv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(dv);
        RoaringBitmapArray bitmap;
        string where;
        if (dv.StorageType == DeletionVectorDescriptor.Inline)
        {
            where = "inline deletion vector";
            try
            {
                bitmap = RoaringBitmapArray.Deserialize(Z85.Decode(dv.PathOrInlineDv, dv.SizeInBytes));
            }
            catch (FormatException e)
            {
                throw new DeltaException($"The inline deletion vector '{Shorten(dv.PathOrInlineDv)}' is corrupt: {e.Message}", e);
            }
        }
        else if (dv.StorageType is DeletionVectorDescriptor.UuidRelative or DeletionVectorDescriptor.AbsolutePath)
        {
            var path = StorePath(table, dv);
            where = $"deletion vector file '{path}'";
            var offset = dv.Offset ?? 1;
            if (dv.SizeInBytes < 12)
            {
                throw new DeltaException($"The descriptor of {where} has sizeInBytes {dv.SizeInBytes}; a deletion vector has at least 12 bytes.");
            }

            byte[] framed;
            try
            {
                framed = await table.Store.GetRangeAsync(path, offset, checked(dv.SizeInBytes + 8), cancellationToken).ConfigureAwait(false);
            }
            catch (Storage.ObjectNotFoundException e)
            {
                throw new DeltaException($"The {where} is missing from {table.Store.Location}; the table references it, so it was deleted outside the Delta protocol (restore it).", e);
            }

            bitmap = ParseFramed(framed, dv, where, offset);
        }
        else
        {
            throw new DeltaException($"Deletion vector storage type '{dv.StorageType}' is unknown; PROTOCOL.md defines 'u', 'i' and 'p'.");
        }

        if (bitmap.Cardinality != dv.Cardinality)
        {
            throw new DeltaException($"The {where} holds {bitmap.Cardinality} row indexes but its descriptor says cardinality {dv.Cardinality}.");
        }

        return bitmap;
    }

    /// <summary>Writes one DV file holding <paramref name="bitmaps"/> and returns a 'u' descriptor for each, in order.</summary>
    public static async Task<IReadOnlyList<DeletionVectorDescriptor>> WriteFileAsync(
        TableLocation table, IReadOnlyList<RoaringBitmapArray> bitmaps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(bitmaps);
        var (content, descriptors) = BuildFile(Guid.NewGuid(), bitmaps);
        var path = table.Resolve(RelativeFilePath(descriptors[0]));
        await table.Store.PutIfAbsentAsync(path, content, cancellationToken).ConfigureAwait(false);
        return descriptors;
    }

    /// <summary>DV file bytes: version 1, then per DV its size (big endian), the bitmap, and its CRC-32 (big endian).</summary>
    public static (byte[] Content, IReadOnlyList<DeletionVectorDescriptor> Descriptors) BuildFile(Guid fileId, IReadOnlyList<RoaringBitmapArray> bitmaps)
    {
        ArgumentNullException.ThrowIfNull(bitmaps);
        if (bitmaps.Count == 0)
        {
            throw new ArgumentException("A DV file holds at least one deletion vector.", nameof(bitmaps));
        }

        var serialized = new byte[bitmaps.Count][];
        var total = 1;
        for (var i = 0; i < bitmaps.Count; i++)
        {
            serialized[i] = bitmaps[i].Serialize();
            total += serialized[i].Length + 8;
        }

        var content = new byte[total];
        content[0] = FileFormatVersion;
        var pos = 1;
        var name = Z85.EncodeUuid(fileId);
        var descriptors = new DeletionVectorDescriptor[bitmaps.Count];
        for (var i = 0; i < serialized.Length; i++)
        {
            descriptors[i] = new DeletionVectorDescriptor(DeletionVectorDescriptor.UuidRelative, name, pos, serialized[i].Length, bitmaps[i].Cardinality);
            BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(pos), serialized[i].Length);
            serialized[i].CopyTo(content.AsSpan(pos + 4));
            BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(pos + 4 + serialized[i].Length), Crc32.Compute(serialized[i]));
            pos += serialized[i].Length + 8;
        }

        return (content, descriptors);
    }

    /// <summary>
    /// The rows of <paramref name="file"/> deleted after adding <paramref name="newlyDeleted"/> to its current deletion
    /// vector (the union), and how many of the new rows were not deleted already.
    /// </summary>
    public static async Task<(RoaringBitmapArray Combined, long NewlyDeletedRows)> CombineAsync(
        TableLocation table, AddFile file, RoaringBitmapArray newlyDeleted, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(newlyDeleted);
        var combined = file.DeletionVector is null ? new RoaringBitmapArray() : await ReadAsync(table, file.DeletionVector, cancellationToken).ConfigureAwait(false);
        var before = combined.Cardinality;
        combined.UnionWith(newlyDeleted);
        return (combined, combined.Cardinality - before);
    }

    /// <summary>An inline ('i') descriptor: the serialized bitmap as Z85 text in the log; suits a handful of deleted rows.</summary>
    public static DeletionVectorDescriptor Inline(RoaringBitmapArray bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        var bytes = bitmap.Serialize();
        return new DeletionVectorDescriptor(DeletionVectorDescriptor.Inline, Z85.Encode(bytes), null, bytes.Length, bitmap.Cardinality);
    }

    internal static RoaringBitmapArray ParseFramed(ReadOnlySpan<byte> framed, DeletionVectorDescriptor dv, string where, int offset)
    {
        if (framed.Length < dv.SizeInBytes + 8)
        {
            throw new DeltaException($"The {where} ends before the deletion vector at offset {offset} ({dv.SizeInBytes} bytes plus size and checksum); the file is truncated.");
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(framed);
        if (size != dv.SizeInBytes)
        {
            throw new DeltaException($"The {where} at offset {offset} frames {size} bytes but the descriptor says sizeInBytes {dv.SizeInBytes}; the descriptor or the file is wrong.");
        }

        var data = framed.Slice(4, size);
        var expected = BinaryPrimitives.ReadUInt32BigEndian(framed[(4 + size)..]);
        var actual = Crc32.Compute(data);
        if (expected != actual)
        {
            throw new DeltaException($"The {where} at offset {offset} fails its CRC-32 check (stored 0x{expected:X8}, computed 0x{actual:X8}); the file is corrupt.");
        }

        try
        {
            return RoaringBitmapArray.Deserialize(data);
        }
        catch (FormatException e)
        {
            throw new DeltaException($"The {where} at offset {offset} is not a valid RoaringBitmapArray: {e.Message}", e);
        }
    }

    private static string Shorten(string s) => s.Length <= 24 ? s : s[..24] + "…";
}
