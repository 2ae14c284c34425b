using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Serverless.Delta.Actions;
using Serverless.Delta.DeletionVectors;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

public sealed class DeletionVectorFormatTests
{
    [Fact]
    public void Z85EncodesTheSpecExampleBytesAsHelloWorld()
    {
        byte[] bytes = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        Assert.Equal("HelloWorld", Z85.Encode(bytes));
        Assert.Equal(bytes, Z85.Decode("HelloWorld"));
    }

    [Fact]
    public void Z85RejectsCharactersOutsideItsAlphabet()
    {
        var e = Assert.Throws<FormatException>(() => Z85.Decode("Hello\"orld"));
        Assert.Contains("position 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Z85RoundTripsArbitraryBytesWithPadding()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            var text = Z85.Encode(bytes);
            return text.Length == (bytes.Length + 3) / 4 * 5 && Z85.Decode(text, bytes.Length).AsSpan().SequenceEqual(bytes);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void UuidPathOfTheDeltaRsFixtureDecodesToItsDvFileName()
    {
        var dv = new DeletionVectorDescriptor("u", "vBn[lx{q8@P<9BNH/isA", 1, 36, 2);
        Assert.Equal("deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin", DeletionVectorStore.RelativeFilePath(dv));
        Assert.Equal("vBn[lx{q8@P<9BNH/isA", Z85.EncodeUuid(Guid.Parse("61d16c75-6994-46b7-a15b-8b538852e50e")));
    }

    [Fact]
    public void RandomPrefixBecomesAFolderOfTheDvFile()
    {
        var dv = new DeletionVectorDescriptor("u", "ab" + Z85.EncodeUuid(Guid.Parse("61d16c75-6994-46b7-a15b-8b538852e50e")), 1, 36, 2);
        Assert.Equal("ab/deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin", DeletionVectorStore.RelativeFilePath(dv));
        Assert.Equal("uab" + dv.PathOrInlineDv[2..] + "@1", dv.UniqueId);
    }

    [Fact]
    public async Task DvFileWrittenBySparkReadsAsRowsZeroAndNine()
    {
        var table = new TableLocation(new LocalFolderObjectStore(Path.Combine(RepoPaths.DeltaFixtures, "rs-table-with-dv-small")));
        var dv = new DeletionVectorDescriptor("u", "vBn[lx{q8@P<9BNH/isA", 1, 36, 2);
        var bitmap = await DeletionVectorStore.ReadAsync(table, dv);
        Assert.Equal([0L, 9L], bitmap.Values().ToArray());
    }

    [Fact]
    public void OurDvFileBytesMatchTheSparkFileForTheSameRows()
    {
        var spark = File.ReadAllBytes(Path.Combine(RepoPaths.DeltaFixtures, "rs-table-with-dv-small", "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin"));
        var (ours, descriptors) = DeletionVectorStore.BuildFile(Guid.Parse("61d16c75-6994-46b7-a15b-8b538852e50e"), [RoaringBitmapArray.Of([0, 9])]);
        Assert.Equal(spark, ours);
        Assert.Equal(new DeletionVectorDescriptor("u", "vBn[lx{q8@P<9BNH/isA", 1, 36, 2), descriptors[0]);
    }

    [Fact]
    public void CorruptedDvFileFailsItsCrcCheck()
    {
        var (bytes, descriptors) = DeletionVectorStore.BuildFile(Guid.NewGuid(), [RoaringBitmapArray.Of([1, 2, 3])]);
        bytes[20] ^= 0x40;
        var e = Assert.Throws<DeltaException>(() => DeletionVectorStore.ParseFramed(bytes.AsSpan(1), descriptors[0], "deletion vector file 'x.bin'", 1));
        Assert.Contains("CRC-32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crc32MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void RoaringArrayRoundTripsAcrossBucketsAndContainerKinds()
    {
        var rows = new List<long>();
        for (long i = 0; i < 10_000; i += 2)
        {
            rows.Add(i);
        }

        rows.AddRange([70_000, 70_001, (5L << 32) + 17, (5L << 32) + 65_536 * 3]);
        var bitmap = RoaringBitmapArray.Of(rows);
        var back = RoaringBitmapArray.Deserialize(bitmap.Serialize());
        Assert.Equal(rows.Order(), back.Values());
        Assert.Equal(rows.Count, back.Cardinality);
        Assert.True(back.Contains((5L << 32) + 17));
        Assert.False(back.Contains(1));
    }

    [Fact]
    public void RoaringRoundTripsRandomSets()
    {
        Prop.ForAll<uint[]>(values =>
        {
            var set = new SortedSet<long>(values.Select(v => (long)(v % 200_000) * ((v & 1) == 0 ? 1 : 7)));
            var back = RoaringBitmapArray.Deserialize(RoaringBitmapArray.Of(set).Serialize());
            return back.Values().SequenceEqual(set);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Fact]
    public void RunContainerBuiltFromTheFormatSpecDeserializes()
    {
        // RoaringFormatSpec: cookie 12347 with (n-1) in the high 16 bits, one run flag byte, then key/cardinality-1,
        // then (n < 4, so no offsets) the run container: run count, then (start, length-1) pairs.
        var bytes = new byte[4 + 1 + 4 + 2 + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 12347u | (0u << 16));
        bytes[4] = 0b1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(5), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(7), 10 + 3 - 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(9), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(11), 100);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(13), 9);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(15), 500);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(17), 2);
        var bitmap = RoaringBitmap.Deserialize(bytes, out var consumed);
        Assert.Equal(bytes.Length, consumed);
        var expected = Enumerable.Range(100, 10).Concat(Enumerable.Range(500, 3)).Select(v => (uint)((2 << 16) + v));
        Assert.Equal(expected, bitmap.Values());
    }

    [Fact]
    public void TruncatedRoaringBytesFailWithAClearErrorInsteadOfAllocating()
    {
        var bytes = RoaringBitmapArray.Of([1, 2, 3]).Serialize();
        var e = Assert.Throws<FormatException>(() => RoaringBitmapArray.Deserialize(bytes.AsSpan(0, bytes.Length - 2)));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4), long.MaxValue);
        Assert.Throws<FormatException>(() => RoaringBitmapArray.Deserialize(bytes));
    }

    [Fact]
    public async Task InlineDescriptorRoundTripsThroughZ85()
    {
        var bitmap = RoaringBitmapArray.Of([3, 4, 5, 1_000_000]);
        var dv = DeletionVectorStore.Inline(bitmap);
        Assert.Equal("i", dv.StorageType);
        Assert.Null(dv.Offset);
        using var dir = new TempDirectory();
        var read = await DeletionVectorStore.ReadAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), dv);
        Assert.Equal(bitmap.Values(), read.Values());
    }

    [Fact]
    public void UnionAddsNewDeletionsToAnExistingVector()
    {
        var a = RoaringBitmapArray.Of([1, 5, 9]);
        a.UnionWith(RoaringBitmapArray.Of([5, 6, 1L << 33]));
        Assert.Equal([1L, 5, 6, 9, 1L << 33], a.Values().ToArray());
    }

    [Fact]
    public async Task AbsolutePathDvInsideTheTableRootIsReadThroughTheStore()
    {
        using var dir = new TempDirectory();
        var (bytes, descriptors) = DeletionVectorStore.BuildFile(Guid.NewGuid(), [RoaringBitmapArray.Of([2, 4])]);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "dv.bin"), bytes);
        var table = new TableLocation(new LocalFolderObjectStore(dir.Path), absoluteUri: "abfss://lake@acct.dfs.core.windows.net/tables/t");
        var p = descriptors[0] with { StorageType = "p", PathOrInlineDv = "abfss://lake@acct.dfs.core.windows.net/tables/t/dv.bin" };
        Assert.Equal([2L, 4L], (await DeletionVectorStore.ReadAsync(table, p)).Values());
        var outside = p with { PathOrInlineDv = "abfss://other@acct.dfs.core.windows.net/dv.bin" };
        var e = await Assert.ThrowsAsync<DeltaException>(() => DeletionVectorStore.ReadAsync(table, outside));
        Assert.Contains("outside table root", e.Message, StringComparison.Ordinal);
    }
}
