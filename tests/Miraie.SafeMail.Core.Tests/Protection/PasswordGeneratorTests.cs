using System.Security.Cryptography;
using Miraie.SafeMail.Core.Protection;

namespace Miraie.SafeMail.Core.Tests.Protection;

[TestFixture]
public sealed class PasswordGeneratorTests
{
    private const int FrequencyLength = 8; // shortest length: the "every class" condition bends frequencies most
    private const int FrequencySamples = 40_000;

    [Test]
    public void Passwords_are_16_characters_by_default()
    {
        PasswordGenerator.Generate().Should().HaveLength(16);
    }

    [TestCase(8)]
    [TestCase(9)]
    [TestCase(20)]
    [TestCase(64)]
    [TestCase(256)]
    public void Passwords_have_the_requested_length(int length)
    {
        PasswordGenerator.Generate(length).Should().HaveLength(length);
    }

    [TestCase(0)]
    [TestCase(7)]
    [TestCase(257)]
    [TestCase(-1)]
    public void Lengths_outside_8_to_256_are_refused(int length)
    {
        var generate = () => PasswordGenerator.Generate(length);

        generate.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void Alphabet_is_ascii_letters_and_digits_without_look_alikes()
    {
        PasswordGenerator.Alphabet.Should().MatchRegex("^[A-Za-z0-9]+$");
        PasswordGenerator.Alphabet.Should().NotContainAny("0", "O", "o", "1", "l", "I", "i");
        PasswordGenerator.Alphabet.Distinct().Should().HaveCount(PasswordGenerator.Alphabet.Length);
        PasswordGenerator.Uppercase.Should().HaveLength(24).And.MatchRegex("^[A-Z]+$");
        PasswordGenerator.Lowercase.Should().HaveLength(23).And.MatchRegex("^[a-z]+$");
        PasswordGenerator.Digits.Should().Be("23456789");
    }

    [Test]
    public void Every_password_uses_only_the_alphabet_and_has_an_upper_a_lower_and_a_digit()
    {
        for (var i = 0; i < 20_000; i++)
        {
            var password = PasswordGenerator.Generate(FrequencyLength);

            password.Should().MatchRegex("^[A-HJ-NP-Za-km-np-z2-9]{8}$");
            password.Should().MatchRegex("[A-Z]").And.MatchRegex("[a-z]").And.MatchRegex("[0-9]");
        }
    }

    [Test]
    public void Passwords_do_not_repeat()
    {
        var passwords = Enumerable.Range(0, 10_000).Select(_ => PasswordGenerator.Generate()).ToList();

        passwords.Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void Character_frequencies_match_a_uniform_choice_among_valid_passwords()
    {
        var passwords = Enumerable.Range(0, FrequencySamples).Select(_ => PasswordGenerator.Generate(FrequencyLength));

        ChiSquare(passwords).Should().BeLessThan(CriticalValue, "the generator must not favour any character");
    }

    [Test]
    public void Frequency_check_catches_modulo_bias()
    {
        // What "byte % 55" would give: the first 36 characters come 5/4 as often as the rest.
        var biased = Enumerable.Range(0, FrequencySamples).Select(_ => Biased(() =>
            PasswordGenerator.Alphabet[RandomNumberGenerator.GetBytes(1)[0] % PasswordGenerator.Alphabet.Length]));

        ChiSquare(biased).Should().BeGreaterThan(CriticalValue);
    }

    [Test]
    public void Frequency_check_catches_one_of_each_class_then_shuffle()
    {
        // The common shortcut: it over-represents the small digit class compared with uniform valid passwords.
        var shortcut = Enumerable.Range(0, FrequencySamples).Select(_ =>
        {
            var chars = new[]
            {
                PasswordGenerator.Uppercase[RandomNumberGenerator.GetInt32(PasswordGenerator.Uppercase.Length)],
                PasswordGenerator.Lowercase[RandomNumberGenerator.GetInt32(PasswordGenerator.Lowercase.Length)],
                PasswordGenerator.Digits[RandomNumberGenerator.GetInt32(PasswordGenerator.Digits.Length)],
            }.Concat(RandomNumberGenerator.GetItems<char>(PasswordGenerator.Alphabet, FrequencyLength - 3)).ToArray();
            RandomNumberGenerator.Shuffle<char>(chars);
            return new string(chars);
        });

        ChiSquare(shortcut).Should().BeGreaterThan(CriticalValue);
    }

    /// <summary>
    /// Chi-square critical value for 54 degrees of freedom at p = 1e-6 (Wilson–Hilferty): a correct generator fails
    /// this test about once in a million runs.
    /// </summary>
    private static double CriticalValue
    {
        get
        {
            const double DegreesOfFreedom = 54;
            const double Z = 4.753; // standard normal quantile for 1 - 1e-6
            var a = 2 / (9 * DegreesOfFreedom);
            return DegreesOfFreedom * Math.Pow(1 - a + (Z * Math.Sqrt(a)), 3);
        }
    }

    private static string Biased(Func<char> draw)
    {
        while (true)
        {
            var candidate = new string(Enumerable.Range(0, FrequencyLength).Select(_ => draw()).ToArray());
            if (PasswordGenerator.HasEveryClass(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>
    /// Pearson's statistic of character counts against the exact expectation for passwords drawn uniformly from
    /// all valid ones (every class present). Classes are not equally likely per character under that condition,
    /// so the expectation comes from inclusion–exclusion, not from 1/55.
    /// </summary>
    private static double ChiSquare(IEnumerable<string> passwords)
    {
        var counts = PasswordGenerator.Alphabet.ToDictionary(c => c, _ => 0L);
        long total = 0;
        foreach (var password in passwords)
        {
            password.Should().HaveLength(FrequencyLength);
            foreach (var c in password)
            {
                counts[c]++;
                total++;
            }
        }

        var probabilities = PerCharacterProbabilities(FrequencyLength);
        var statistic = counts.Sum(pair =>
        {
            var expected = total * probabilities[pair.Key];
            return (pair.Value - expected) * (pair.Value - expected) / expected;
        });
        TestContext.Out.WriteLine($"chi-square {statistic:F1} against critical {CriticalValue:F1}");
        return statistic;
    }

    private static Dictionary<char, double> PerCharacterProbabilities(int n)
    {
        double all = PasswordGenerator.Alphabet.Length, u = PasswordGenerator.Uppercase.Length,
            l = PasswordGenerator.Lowercase.Length, d = PasswordGenerator.Digits.Length;
        double P(double b, int e) => Math.Pow(b, e);
        var valid = P(all, n) - P(all - u, n) - P(all - l, n) - P(all - d, n) + P(u, n) + P(l, n) + P(d, n);
        // A given character at a given place: the other n-1 places must supply the two other classes.
        var upper = (P(all, n - 1) - P(all - l, n - 1) - P(all - d, n - 1) + P(u, n - 1)) / valid;
        var lower = (P(all, n - 1) - P(all - u, n - 1) - P(all - d, n - 1) + P(l, n - 1)) / valid;
        var digit = (P(all, n - 1) - P(all - u, n - 1) - P(all - l, n - 1) + P(d, n - 1)) / valid;
        (u * upper + l * lower + d * digit).Should().BeApproximately(1, 1e-9, "the probabilities must add up");

        return PasswordGenerator.Uppercase.Select(c => (c, upper))
            .Concat(PasswordGenerator.Lowercase.Select(c => (c, lower)))
            .Concat(PasswordGenerator.Digits.Select(c => (c, digit)))
            .ToDictionary(pair => pair.c, pair => pair.Item2);
    }
}
