using System.Text;

namespace ImmichGateway.Tests.Packaging;

/// <summary>The shared libraries an ELF64 little-endian shared object needs (its DT_NEEDED entries).</summary>
public static class ElfFile
{
    public static IReadOnlyList<string> Needed(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file");
        }
        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException($"{path} is not 64-bit little-endian");
        }

        var sectionOffset = (long)BitConverter.ToUInt64(bytes, 0x28);
        var sectionSize = BitConverter.ToUInt16(bytes, 0x3A);
        var sectionCount = BitConverter.ToUInt16(bytes, 0x3C);
        (uint Type, uint Link, long Offset, long Size) Section(int index)
        {
            var at = sectionOffset + (index * sectionSize);
            return (BitConverter.ToUInt32(bytes, (int)at + 4), BitConverter.ToUInt32(bytes, (int)at + 40),
                (long)BitConverter.ToUInt64(bytes, (int)at + 24), (long)BitConverter.ToUInt64(bytes, (int)at + 32));
        }

        const uint dynamicSection = 6;
        const ulong neededTag = 1;
        var needed = new List<string>();
        for (var i = 0; i < sectionCount; i++)
        {
            var dynamic = Section(i);
            if (dynamic.Type != dynamicSection)
            {
                continue;
            }
            var strings = Section((int)dynamic.Link);
            for (var entry = dynamic.Offset; entry + 16 <= dynamic.Offset + dynamic.Size; entry += 16)
            {
                var tag = BitConverter.ToUInt64(bytes, (int)entry);
                if (tag == 0)
                {
                    break;
                }
                if (tag == neededTag)
                {
                    var start = (int)(strings.Offset + (long)BitConverter.ToUInt64(bytes, (int)entry + 8));
                    var end = Array.IndexOf(bytes, (byte)0, start);
                    needed.Add(Encoding.ASCII.GetString(bytes, start, end - start));
                }
            }
        }
        return needed;
    }
}
