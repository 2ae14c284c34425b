using System.Globalization;
using System.Xml;

namespace Serverless.Storage.AzureStorage;

/// <summary>One page of a List Blobs answer (an EnumerationResults document): the blobs and the marker of the next page.</summary>
internal sealed class BlobListingPage
{
    public List<(string Name, long Size, DateTimeOffset LastModified, string? ETag)> Blobs { get; } = [];

    public string? NextMarker { get; private set; }

    public static BlobListingPage Parse(Stream xml)
    {
        var page = new BlobListingPage();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreWhitespace = true, Async = false };
        using var reader = XmlReader.Create(xml, settings);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (reader.LocalName)
            {
                case "Blob":
                    page.Blobs.Add(ReadBlob(reader));
                    break;
                case "NextMarker":
                    var marker = reader.IsEmptyElement ? string.Empty : reader.ReadElementContentAsString();
                    page.NextMarker = marker.Length == 0 ? null : marker;
                    break;
                default:
                    break;
            }
        }

        return page;
    }

    private static (string Name, long Size, DateTimeOffset LastModified, string? ETag) ReadBlob(XmlReader reader)
    {
        string? name = null;
        long size = 0;
        var lastModified = DateTimeOffset.MinValue;
        string? etag = null;
        var depth = reader.Depth;
        reader.Read();

        // ReadElementContentAsString already moves past the element it reads, so only other nodes advance the reader here.
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element || reader.IsEmptyElement)
            {
                reader.Read();
                continue;
            }

            switch (reader.LocalName)
            {
                case "Name":
                    name = reader.ReadElementContentAsString();
                    break;
                case "Content-Length":
                    size = long.Parse(reader.ReadElementContentAsString(), NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                case "Last-Modified":
                    lastModified = DateTimeOffset.ParseExact(reader.ReadElementContentAsString(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                    break;
                case "Etag":
                    etag = reader.ReadElementContentAsString();
                    break;
                default:
                    reader.Read();
                    break;
            }
        }

        return (name ?? throw new XmlException("A <Blob> in a List Blobs answer has no <Name>."), size, lastModified, etag);
    }
}
