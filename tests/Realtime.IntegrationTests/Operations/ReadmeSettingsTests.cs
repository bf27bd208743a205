using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Realtime.Core.Options;
using Realtime.Dispatcher.Hosting;
using Realtime.Edge.Hosting;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// The README's configuration table is the settings reference: every bindable property of every
/// options class (a type with a <c>Section</c> constant in a Realtime service assembly) is listed,
/// and every <c>Realtime__…</c> name listed binds to one.
/// </summary>
public sealed partial class ReadmeSettingsTests
{
    [Fact]
    public void ConfigurationTable_ListsExactlyTheOptionsClassesSettings()
    {
        var documented = DocumentedSettings();
        var code = CodeSettings();

        Assert.Empty(code.Except(documented, StringComparer.OrdinalIgnoreCase).Order());
        Assert.Empty(documented.Except(code, StringComparer.OrdinalIgnoreCase).Order());
    }

    [Fact]
    public void ConfigurationTable_ListsEachSettingOnce()
    {
        var names = DocumentedNames().ToList();
        Assert.Empty(names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    /// <summary>Settings named in the table's first column; <c>`__X`</c> is a sibling of the full name before it, a numeric index marks a list.</summary>
    private static HashSet<string> DocumentedSettings() => [.. DocumentedNames().Select(n => IndexSuffix().Replace(n, string.Empty))];

    private static IEnumerable<string> DocumentedNames()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var start = Array.FindIndex(readme, l => l.StartsWith("## Configuration", StringComparison.Ordinal));
        Assert.True(start >= 0, "README.md has a ## Configuration section");
        foreach (var line in readme.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)).Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var first = line.Split('|', StringSplitOptions.TrimEntries)[1];
            string? parent = null;
            foreach (Match token in Backticked().Matches(first))
            {
                var name = token.Groups[1].Value;
                if (name.StartsWith("Realtime__", StringComparison.Ordinal))
                {
                    parent = name[..name.LastIndexOf("__", StringComparison.Ordinal)];
                    yield return name;
                }
                else if (name.StartsWith("__", StringComparison.Ordinal) && parent is not null)
                {
                    if (!IsIndex(name[2..]))
                    {
                        yield return parent + name;
                    }
                }
            }
        }
    }

    private static HashSet<string> CodeSettings()
    {
        Assembly[] assemblies = [typeof(RedisOptions).Assembly, typeof(EdgeOptions).Assembly, typeof(DispatcherOptions).Assembly, typeof(Realtime.Operator.Hosting.OperatorOptions).Assembly];
        var settings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string section)
            {
                Collect(type, Activator.CreateInstance(type), section.Replace(":", "__", StringComparison.Ordinal), settings);
            }
        }

        return settings;
    }

    private static void Collect(Type type, object? instance, string prefix, HashSet<string> settings)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = $"{prefix}__{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (property.SetMethod is not { IsPublic: true })
            {
                continue; // computed (e.g. a parsed view of another setting)
            }

            if (propertyType.IsPrimitive || propertyType.IsEnum || propertyType == typeof(string) || propertyType == typeof(decimal))
            {
                settings.Add(name);
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>) && instance is not null)
            {
                // A dictionary of sections: documented per default key (e.g. Namespaces__room__MaxMessages).
                var valueType = propertyType.GetGenericArguments()[1];
                foreach (DictionaryEntry entry in (IDictionary)property.GetValue(instance)!)
                {
                    Collect(valueType, entry.Value, $"{name}__{entry.Key}", settings);
                }
            }
            else if (propertyType.IsArray || typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                settings.Add(name); // a list: Name__0, Name__1, …
            }
            else if (propertyType.IsClass)
            {
                Collect(propertyType, property.GetValue(instance), name, settings);
            }
        }
    }

    private static bool IsIndex(string text) => text.All(char.IsAsciiDigit);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Realtime.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Realtime.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex("__[0-9]+$")]
    private static partial Regex IndexSuffix();
}
