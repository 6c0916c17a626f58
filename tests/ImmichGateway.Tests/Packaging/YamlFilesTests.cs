namespace ImmichGateway.Tests.Packaging;

public sealed class YamlFilesTests
{
    public static TheoryData<string> Files => new(Repository.YamlFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void YamlFile_Parses(string relativePath)
    {
        var text = Repository.Read(relativePath);
        if (relativePath.Contains("templates"))
        {
            text = Repository.StripTemplate(text);
        }

        var document = Repository.LoadYaml(text);

        Assert.NotEmpty(document.Children);
    }
}
