using System.Buffers.Binary;
using System.Text;

namespace Serverless.Parquet.Thrift;

/// <summary>
/// Reads the Thrift compact protocol from a span. Every length read from the input is bounded by the bytes that
/// remain, and nesting is bounded, so corrupt input fails with a <see cref="ParquetFormatException"/> naming the
/// file offset instead of hanging or allocating without bound.
/// </summary>
internal ref struct CompactReader
{
    private const int MaxDepth = 64;
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _fileOffset;
    private int _position;
    private int _depth;

    public CompactReader(ReadOnlySpan<byte> data, long fileOffset)
    {
        _data = data;
        _fileOffset = fileOffset;
    }

    public readonly int Position => _position;

    public readonly long FileOffset => _fileOffset + _position;

    public readonly ParquetFormatException Error(string problem) => new(FileOffset, problem);

    /// <summary>Reads a field header; returns <see cref="ThriftType.Stop"/> at the end of a struct.</summary>
    public ThriftType ReadFieldHeader(ref short lastFieldId, out short fieldId)
    {
        var header = ReadRawByte();
        var type = (ThriftType)(header & 0x0F);
        if (type == ThriftType.Stop)
        {
            fieldId = 0;
            return ThriftType.Stop;
        }

        if (type > ThriftType.Struct)
        {
            throw new ParquetFormatException(FileOffset - 1, $"invalid thrift field type {(int)type}");
        }

        var delta = header >> 4;
        fieldId = delta != 0 ? (short)(lastFieldId + delta) : ReadI16();
        lastFieldId = fieldId;
        return type;
    }

    public byte ReadRawByte()
    {
        if (_position >= _data.Length)
        {
            throw Error("thrift data ends early (truncated metadata)");
        }

        return _data[_position++];
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadRawByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Error("thrift varint is longer than 10 bytes");
    }

    public short ReadI16() => (short)ReadI32();

    public int ReadI32()
    {
        var v = ReadVarint();
        if (v > uint.MaxValue)
        {
            throw Error("thrift i32 varint out of range");
        }

        var u = (uint)v;
        return (int)(u >> 1) ^ -(int)(u & 1);
    }

    public long ReadI64()
    {
        var u = ReadVarint();
        return (long)(u >> 1) ^ -(long)(u & 1);
    }

    public double ReadDouble()
    {
        var span = Take(8);
        return BinaryPrimitives.ReadDoubleLittleEndian(span);
    }

    public ReadOnlySpan<byte> ReadBinarySpan()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Error($"thrift binary length {length} exceeds the {_data.Length - _position} bytes that remain");
        }

        return Take((int)length);
    }

    public byte[] ReadBinary() => ReadBinarySpan().ToArray();

    public string ReadString()
    {
        var span = ReadBinarySpan();
        return Encoding.UTF8.GetString(span);
    }

    /// <summary>Reads a list (or set) header and returns the element count, bounded by the remaining bytes.</summary>
    public int ReadListHeader(out ThriftType elementType)
    {
        var header = ReadRawByte();
        elementType = (ThriftType)(header & 0x0F);
        var count = (ulong)(header >> 4);
        if (count == 15)
        {
            count = ReadVarint();
        }

        // Every element takes at least one byte, so a count above the remaining bytes is corrupt.
        if (count > (ulong)(_data.Length - _position))
        {
            throw Error($"thrift list of {count} elements exceeds the {_data.Length - _position} bytes that remain");
        }

        if (elementType is ThriftType.Stop or > ThriftType.Struct)
        {
            throw Error($"invalid thrift list element type {(int)elementType}");
        }

        return (int)count;
    }

    /// <summary>Reads a boolean list element (encoded as one byte).</summary>
    public bool ReadBoolElement() => ReadRawByte() == 1;

    public void EnterStruct()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"thrift structures nested deeper than {MaxDepth}");
        }
    }

    public void ExitStruct() => _depth--;

    /// <summary>Skips a value of the given type (used for fields this reader does not know).</summary>
    public void Skip(ThriftType type)
    {
        switch (type)
        {
            case ThriftType.BooleanTrue:
            case ThriftType.BooleanFalse:
                return;
            case ThriftType.Byte:
                ReadRawByte();
                return;
            case ThriftType.I16:
            case ThriftType.I32:
            case ThriftType.I64:
                ReadVarint();
                return;
            case ThriftType.Double:
                Take(8);
                return;
            case ThriftType.Binary:
                ReadBinarySpan();
                return;
            case ThriftType.List:
            case ThriftType.Set:
                {
                    var count = ReadListHeader(out var elementType);
                    EnterStruct();
                    for (var i = 0; i < count; i++)
                    {
                        if (elementType is ThriftType.BooleanTrue or ThriftType.BooleanFalse)
                        {
                            ReadRawByte();
                        }
                        else
                        {
                            Skip(elementType);
                        }
                    }

                    ExitStruct();
                    return;
                }

            case ThriftType.Map:
                {
                    var count = ReadVarint();
                    if (count == 0)
                    {
                        return;
                    }

                    if (count > (ulong)(_data.Length - _position))
                    {
                        throw Error($"thrift map of {count} entries exceeds the remaining bytes");
                    }

                    var kv = ReadRawByte();
                    var keyType = (ThriftType)(kv >> 4);
                    var valueType = (ThriftType)(kv & 0x0F);
                    EnterStruct();
                    for (ulong i = 0; i < count; i++)
                    {
                        SkipElement(keyType);
                        SkipElement(valueType);
                    }

                    ExitStruct();
                    return;
                }

            case ThriftType.Struct:
                {
                    EnterStruct();
                    short last = 0;
                    while (true)
                    {
                        var fieldType = ReadFieldHeader(ref last, out _);
                        if (fieldType == ThriftType.Stop)
                        {
                            break;
                        }

                        Skip(fieldType);
                    }

                    ExitStruct();
                    return;
                }

            default:
                throw Error($"invalid thrift type {(int)type}");
        }
    }

    private void SkipElement(ThriftType type)
    {
        if (type is ThriftType.BooleanTrue or ThriftType.BooleanFalse)
        {
            ReadRawByte();
        }
        else
        {
            Skip(type);
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Error($"thrift data ends early: {count} bytes needed, {_data.Length - _position} remain");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
