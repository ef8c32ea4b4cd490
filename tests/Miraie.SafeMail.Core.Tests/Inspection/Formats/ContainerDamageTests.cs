using System.Buffers.Binary;
using Miraie.SafeMail.Core.Inspection;

namespace Miraie.SafeMail.Core.Tests.Inspection.Formats;

/// <summary>Damage no tool writes, made by hand in real files: the readers must call it corrupt, never loop or pass it.</summary>
public class ContainerDamageTests
{
    private const int Sector = 2048;
    private static readonly MessageInspector Inspector = new(new InspectionLimits());

    private static byte[] Corpus(string group, string file) =>
        File.ReadAllBytes(Path.Combine(TestPaths.CorpusOutput, "files", "containers", group, file));

    [Test]
    public async Task An_iso_directory_that_points_back_at_the_root_is_a_loop_and_corrupt()
    {
        var image = Corpus("iso", "rock-ridge-only.iso");
        var (rootSector, root) = RootDirectory(image);
        var record = FindRecord(root, flagsDirectory: true);
        Both(image, (rootSector * Sector) + record + 2, (uint)rootSector); // the subdirectory's extent := the root

        var node = await Inspector.InspectFileAsync(new MemoryStream(image), "loop.iso");
        node.Kind.Should().Be(FileKind.Iso);
        node.Protection.Should().Be(ProtectionStatus.Unknown);
        node.UnknownReason.Should().Be(UnknownReason.Corrupt);
        node.Detail.En.Should().Contain("loop");
    }

    [Test]
    public async Task An_iso_file_whose_extent_lies_past_the_image_is_corrupt()
    {
        var image = Corpus("iso", "iso9660-only.iso");
        var (rootSector, root) = RootDirectory(image);
        var record = FindRecord(root, flagsDirectory: false);
        Both(image, (rootSector * Sector) + record + 2, (uint)(image.Length / Sector) + 10);

        var node = await Inspector.InspectFileAsync(new MemoryStream(image), "past-end.iso");
        node.Kind.Should().Be(FileKind.Iso);
        node.UnknownReason.Should().Be(UnknownReason.Corrupt);
        node.Detail.En.Should().Contain("past the end");
    }

    [Test]
    public async Task A_cab_file_that_points_past_its_folder_is_corrupt()
    {
        var cabinet = Corpus("cab", "stored.cab");
        var filesOffset = BinaryPrimitives.ReadInt32LittleEndian(cabinet.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(cabinet.AsSpan(filesOffset + 4), 50_000_000); // uoffFolderStart of the first file

        var node = await Inspector.InspectFileAsync(new MemoryStream(cabinet), "past-folder.cab");
        node.Kind.Should().Be(FileKind.Cab);
        node.Protection.Should().Be(ProtectionStatus.Unknown);
        node.SelfAndDescendants.Should().Contain(n => n.UnknownReason == UnknownReason.Corrupt);
    }

    [Test]
    public async Task An_lzh_member_claiming_four_gigabytes_stops_at_a_limit_not_at_the_end_of_memory()
    {
        var archive = Corpus("lzh", "level1-lh6.lzh");
        BinaryPrimitives.WriteUInt32LittleEndian(archive.AsSpan(11), uint.MaxValue); // original size of the first member
        archive[1] = Sum(archive.AsSpan(2, archive[0])); // keep the level 1 header sum right

        var node = await Inspector.InspectFileAsync(new MemoryStream(archive), "huge.lzh");
        node.Kind.Should().Be(FileKind.Lzh);
        node.Protection.Should().Be(ProtectionStatus.Unknown);
    }

    private static (int Sector, byte[] Directory) RootDirectory(byte[] image)
    {
        var root = image.AsSpan((16 * Sector) + 156, 34);
        var sector = BinaryPrimitives.ReadInt32LittleEndian(root[2..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(root[10..]);
        return (sector, image.AsSpan(sector * Sector, length).ToArray());
    }

    /// <summary>Offset of the first record (not "." or "..") that is, or is not, a directory.</summary>
    private static int FindRecord(byte[] directory, bool flagsDirectory)
    {
        for (var offset = 0; offset < directory.Length && directory[offset] > 0; offset += directory[offset])
        {
            var nameLength = directory[offset + 32];
            var special = nameLength == 1 && directory[offset + 33] is 0 or 1;
            if (!special && ((directory[offset + 25] & 2) != 0) == flagsDirectory)
            {
                return offset;
            }
        }

        throw new InvalidOperationException("no such record in the root directory");
    }

    /// <summary>ISO 9660 both-endian 32-bit field: little-endian, then big-endian.</summary>
    private static void Both(byte[] image, int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(offset), value);
        BinaryPrimitives.WriteUInt32BigEndian(image.AsSpan(offset + 4), value);
    }

    private static byte Sum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (var b in bytes)
        {
            sum += b;
        }

        return sum;
    }
}
