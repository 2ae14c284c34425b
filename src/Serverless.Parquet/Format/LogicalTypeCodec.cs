using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Format;

/// <summary>Reads and writes the parquet.thrift LogicalType union.</summary>
internal static class LogicalTypeCodec
{
    public static ParquetLogicalType Read(ref CompactReader r)
    {
        r.EnterStruct();
        ParquetLogicalType? result = null;
        short last = 0;
        while (true)
        {
            var type = r.ReadFieldHeader(ref last, out var id);
            if (type == ThriftType.Stop)
            {
                break;
            }

            if (type != ThriftType.Struct)
            {
                r.Skip(type);
                continue;
            }

            switch (id)
            {
                case 5:
                    result = ReadDecimal(ref r);
                    break;
                case 7:
                case 8:
                    {
                        var (utc, unit) = ReadTimeLike(ref r);
                        result = id == 7 ? ParquetLogicalType.Time(utc, unit) : ParquetLogicalType.Timestamp(utc, unit);
                        break;
                    }

                case 10:
                    result = ReadInteger(ref r);
                    break;
                default:
                    r.Skip(ThriftType.Struct);
                    result = id switch
                    {
                        1 => ParquetLogicalType.String,
                        2 => ParquetLogicalType.Map,
                        3 => ParquetLogicalType.List,
                        4 => ParquetLogicalType.Enum,
                        6 => ParquetLogicalType.Date,
                        9 => ParquetLogicalType.Interval,
                        11 => ParquetLogicalType.Unknown,
                        12 => ParquetLogicalType.Json,
                        13 => ParquetLogicalType.Bson,
                        14 => ParquetLogicalType.Uuid,
                        15 => ParquetLogicalType.Float16,
                        _ => ParquetLogicalType.Other,
                    };
                    break;
            }
        }

        r.ExitStruct();
        return result ?? ParquetLogicalType.Other;
    }

    public static void Write(CompactWriter w, ParquetLogicalType logical)
    {
        short last = 0;
        switch (logical.Kind)
        {
            case ParquetLogicalTypeKind.Decimal:
                {
                    w.WriteFieldHeader(ThriftType.Struct, 5, ref last);
                    short inner = 0;
                    w.WriteI32Field(1, logical.Scale, ref inner);
                    w.WriteI32Field(2, logical.Precision, ref inner);
                    w.WriteStop();
                    break;
                }

            case ParquetLogicalTypeKind.Time:
            case ParquetLogicalTypeKind.Timestamp:
                {
                    w.WriteFieldHeader(ThriftType.Struct, (short)logical.Kind, ref last);
                    short inner = 0;
                    w.WriteBoolField(1, logical.IsAdjustedToUtc, ref inner);
                    w.WriteFieldHeader(ThriftType.Struct, 2, ref inner);
                    short unitLast = 0;
                    w.WriteEmptyStructField((short)logical.Unit, ref unitLast);
                    w.WriteStop();
                    w.WriteStop();
                    break;
                }

            case ParquetLogicalTypeKind.Integer:
                {
                    w.WriteFieldHeader(ThriftType.Struct, 10, ref last);
                    short inner = 0;
                    w.WriteFieldHeader(ThriftType.Byte, 1, ref inner);
                    w.WriteRawByte((byte)logical.BitWidth);
                    w.WriteBoolField(2, logical.IsSigned, ref inner);
                    w.WriteStop();
                    break;
                }

            case ParquetLogicalTypeKind.Other:
                throw new InvalidOperationException("An unknown logical type cannot be written.");
            default:
                w.WriteEmptyStructField((short)logical.Kind, ref last);
                break;
        }

        w.WriteStop();
    }

    private static ParquetLogicalType ReadDecimal(ref CompactReader r)
    {
        r.EnterStruct();
        int scale = 0, precision = 0;
        short last = 0;
        while (true)
        {
            var type = r.ReadFieldHeader(ref last, out var id);
            if (type == ThriftType.Stop)
            {
                break;
            }

            switch (id)
            {
                case 1: scale = FieldReads.I32(ref r, type, "DecimalType.scale"); break;
                case 2: precision = FieldReads.I32(ref r, type, "DecimalType.precision"); break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        if (precision < 1 || scale < 0 || scale > precision)
        {
            throw r.Error($"invalid DECIMAL({precision},{scale}) logical type");
        }

        return ParquetLogicalType.Decimal(precision, scale);
    }

    private static (bool Utc, ParquetTimeUnit Unit) ReadTimeLike(ref CompactReader r)
    {
        r.EnterStruct();
        var utc = false;
        var unit = ParquetTimeUnit.Micros;
        short last = 0;
        while (true)
        {
            var type = r.ReadFieldHeader(ref last, out var id);
            if (type == ThriftType.Stop)
            {
                break;
            }

            switch (id)
            {
                case 1: utc = FieldReads.Bool(ref r, type, "isAdjustedToUTC"); break;
                case 2:
                    {
                        FieldReads.Struct(ref r, type, "unit");
                        r.EnterStruct();
                        short unitLast = 0;
                        while (true)
                        {
                            var unitType = r.ReadFieldHeader(ref unitLast, out var unitId);
                            if (unitType == ThriftType.Stop)
                            {
                                break;
                            }

                            if (unitId is >= 1 and <= 3)
                            {
                                unit = (ParquetTimeUnit)unitId;
                            }

                            r.Skip(unitType);
                        }

                        r.ExitStruct();
                        break;
                    }

                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        return (utc, unit);
    }

    private static ParquetLogicalType ReadInteger(ref CompactReader r)
    {
        r.EnterStruct();
        var width = 0;
        var signed = true;
        short last = 0;
        while (true)
        {
            var type = r.ReadFieldHeader(ref last, out var id);
            if (type == ThriftType.Stop)
            {
                break;
            }

            switch (id)
            {
                case 1 when type == ThriftType.Byte: width = (sbyte)r.ReadRawByte(); break;
                case 2: signed = FieldReads.Bool(ref r, type, "IntType.isSigned"); break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        if (width is not (8 or 16 or 32 or 64))
        {
            throw r.Error($"invalid INTEGER logical type bit width {width}");
        }

        return ParquetLogicalType.Integer(width, signed);
    }
}
