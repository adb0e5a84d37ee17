import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

class WordTally {

    Map<String, Integer> tally(String text) {
        if (text == null) {
            throw new NoWordsException("text contains no words");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (!word.isEmpty()) {
                counts.merge(word, 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) {
            throw new NoWordsException("text contains no words");
        }
        return counts;
    }

    List<String> mostFrequent(String text, int n) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(tally(text).entrySet());
        entries.sort(Comparator.comparing((Map.Entry<String, Integer> e) -> -e.getValue())
                .thenComparing(Map.Entry::getKey));
        return entries.stream().limit(n).map(Map.Entry::getKey).collect(Collectors.toList());
    }
}
