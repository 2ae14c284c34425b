using System.Globalization;
using System.Text;
using Serverless.Delta.DeletionVectors;

namespace Serverless.Cdc.Verify;

/// <summary>
/// A row's canonical text: its columns' canonical texts (<see cref="CanonicalColumn"/>), each written as
/// <c>{UTF-8 byte length}:{text}</c>, or <c>N</c> for NULL, one after another. The length prefix makes the
/// concatenation unambiguous (NULL, '' and 'N' all differ, and no value can run into the next), and the server builds
/// the same bytes with <c>IFNULL(CONCAT(LENGTH(x), ':', x), 'N')</c>. A row's checksum is the CRC-32 (IEEE, the server's
/// <c>CRC32()</c>) of that text's UTF-8 bytes.
/// </summary>
public static class CanonicalRow
{
    /// <summary>The server expression of the canonical text of <paramref name="columns"/> (in this order).</summary>
    public static string Sql(IEnumerable<CanonicalColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return "CONCAT(" + string.Join(", ", columns.Select(c => $"IFNULL(CONCAT(LENGTH({c.SqlExpression}), ':', {c.SqlExpression}), 'N')")) + ")";
    }

    /// <summary>The server expression of a row's checksum.</summary>
    public static string ChecksumSql(IEnumerable<CanonicalColumn> columns) => "CRC32(" + Sql(columns) + ")";

    /// <summary>The canonical text of the fields at <paramref name="ordinals"/> (all fields when null).</summary>
    public static string Compose(IReadOnlyList<string?> fields, IReadOnlyList<int>? ordinals = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var sb = new StringBuilder();
        var count = ordinals?.Count ?? fields.Count;
        for (var i = 0; i < count; i++)
        {
            var field = fields[ordinals is null ? i : ordinals[i]];
            if (field is null)
            {
                sb.Append('N');
            }
            else
            {
                sb.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
            }
        }

        return sb.ToString();
    }

    /// <summary>The checksum of a row given its canonical fields, as the server's <see cref="ChecksumSql"/> computes it.</summary>
    public static uint Checksum(IReadOnlyList<string?> fields) => Crc32.Compute(Encoding.UTF8.GetBytes(Compose(fields)));
}
