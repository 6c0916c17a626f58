using System.Reflection;
using System.Text.RegularExpressions;
using ImmichGateway.Tests.Packaging;

namespace ImmichGateway.Tests.Aggregates;

/// <summary>
/// The typed Immich client's models hold only the fields the gateway uses (Immich sends many more; unknown fields are
/// ignored), so a field nobody reads is not parsed, allocated and kept on every call.
/// </summary>
public sealed class ImmichModelsTests
{
    private static readonly Assembly Gateway = typeof(ImmichGateway.Immich.ImmichOptions).Assembly;

    [Fact]
    public void Every_field_of_every_Immich_model_is_read_somewhere()
    {
        var models = Gateway.GetTypes().Where(t => t.Namespace == "ImmichGateway.Immich" && IsModel(t)).ToList();
        Assert.Contains(models, t => t.Name == "ImmichAlbum"); // the scan sees the models at all

        // A model that a view carries whole is serialized whole: every field of it reaches the client.
        var carriedWhole = Gateway.GetTypes()
            .Where(t => t.Namespace == "ImmichGateway.Aggregates")
            .SelectMany(t => t.GetProperties())
            .Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)
            .ToHashSet();
        // Where fields are read: member accesses in the rest of the gateway, and the models' own computed members.
        var files = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src", "ImmichGateway"), "*.cs", SearchOption.AllDirectories).ToList();
        var elsewhere = string.Join('\n', files.Where(f => Path.GetFileName(f) != "ImmichModels.cs").Select(File.ReadAllText));
        var computed = string.Join('\n', File.ReadLines(files.Single(f => Path.GetFileName(f) == "ImmichModels.cs")).Where(line => line.Contains("=>")));

        var unread = models.Where(t => !carriedWhole.Contains(t))
            .SelectMany(t => ConstructorFields(t).Select(name => (Model: t.Name, Field: name)))
            .Where(f => !Regex.IsMatch(elsewhere, $@"\.{f.Field}\b") && !Regex.IsMatch(computed, $@"\b{f.Field}\b"))
            .Select(f => $"{f.Model}.{f.Field}")
            .ToList();
        Assert.Empty(unread);
    }

    private static bool IsModel(Type type) =>
        type.Name.StartsWith("Immich", StringComparison.Ordinal) && type.GetMethod("<Clone>$") is not null; // a record

    private static IEnumerable<string> ConstructorFields(Type record) =>
        record.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters().Select(p => p.Name!);
}
