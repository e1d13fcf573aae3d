// Random edits of a valid input, for tests that a parser answers every
// malformed variant with an error or a value and never crashes.
#pragma once

#include <random>
#include <string>
#include <string_view>

// `text` with 1 to `max_edits` characters replaced, inserted or removed,
// the new ones drawn from `alphabet`.
inline std::string mutate(std::string text, std::mt19937& random, std::string_view alphabet, int max_edits)
{
    int edits = 1 + static_cast<int>(random() % static_cast<unsigned>(max_edits));
    for (int e = 0; e < edits && !text.empty(); ++e) {
        std::size_t at = random() % text.size();
        char c = alphabet[random() % alphabet.size()];
        switch (random() % 3) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<long>(at), c); break;
        default: text.erase(at, 1); break;
        }
    }
    return text;
}
