package io.shardcast.room.assistant;

import io.shardcast.room.state.ProductFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The host's FAQ and the products' attributes, searched with Lucene and its Chinese analyzer
 * (smartcn, which segments Chinese into words and lowercases and stems English): the entries are
 * ranked by BM25, and the best is taken only when most of its question's words are in the viewer's
 * (a FAQ entry's question, or an attribute's name or one of the words it is asked about in,
 * {@link Synonyms#ATTRIBUTES}). With an {@link Embedder}, a question the words
 * do not find is compared by meaning with each entry (its question and answer together: a short
 * question alone says too little to the model): the closest is taken when it is at least
 * {@link #SIMILARITY} alike and clearly closer than the next of another answer. Built from a {@link CatalogView}
 * once, read by one thread at a time.
 */
public final class FaqIndex {

  /** An entry found: the host's answer ({@code attributeName} null) or an attribute's value. */
  public record Hit(CatalogView.Product product, String attributeName, String answer) {}

  /** The share of an entry's words the question must hold. */
  static final double COVERAGE = 0.6;

  /**
   * Words that ask but do not say about what ("会…吗", "does it…"): an entry's coverage counts the
   * others, so "裙子会起皱吗" does not find "会起球吗" by its 会 and 吗.
   */
  private static final Set<String> ASKING = Set.of("吗", "呢", "吧", "啊", "的", "了", "会", "能", "可以", "是", "不", "有",
      "没有", "用", "这个", "is", "it", "the", "a", "an", "doe", "does", "do", "can", "are", "to", "of", "have", "ha", "has",
      "will");

  /** How alike (cosine) a question and an entry's question must be to be taken by meaning. */
  static final double SIMILARITY = 0.62;
  /** How much closer the best entry must be than the next of another answer. */
  static final double MARGIN = 0.03;

  private record Entry(CatalogView.Product product, String attributeName, String answer, Set<String> words,
      String question) {}

  private final Analyzer analyzer = new SmartChineseAnalyzer();
  private final List<Entry> entries = new ArrayList<>();
  private final IndexSearcher searcher;
  private final Embedder embedder;
  /** The pinned product: the one a question that names none asks about an attribute of. */
  private final String pinned;
  /** The entries' vectors (question and answer together), by entry (empty without an embedder). */
  private final List<float[]> vectors = new ArrayList<>();

  private FaqIndex(CatalogView view, Embedder embedder) {
    this.embedder = embedder;
    this.pinned = view.pinnedProductId();
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
      for (CatalogView.Product p : view.products()) {
        for (ProductFacts.Faq f : p.facts().faq()) {
          add(w, new Entry(p, null, f.a(), words(f.q()), f.q()), f.q());
        }
        for (Map.Entry<String, String> a : p.facts().attributes().entrySet()) {
          add(w, new Entry(p, a.getKey(), a.getValue(), words(a.getKey()), a.getKey()), a.getKey());
          for (String other : Synonyms.attributeWords(a.getKey())) { // "哪里产" for 产地
            add(w, new Entry(p, a.getKey(), a.getValue(), words(other), other), other);
          }
        }
      }
      w.commit();
      searcher = new IndexSearcher(DirectoryReader.open(dir));
      if (embedder != null) {
        entries.forEach(e -> vectors.add(embedder.embed(e.question() + " " + e.answer())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("an index in memory", e);
    }
  }

  public static FaqIndex of(CatalogView view) {
    return new FaqIndex(view, null);
  }

  /** With {@code embedder} (null: words only) for the questions the words do not find. */
  public static FaqIndex of(CatalogView view, Embedder embedder) {
    return new FaqIndex(view, embedder);
  }

  private void add(IndexWriter w, Entry e, String question) throws IOException {
    Document d = new Document();
    d.add(new TextField("q", question, Field.Store.NO));
    d.add(new StringField("product", e.product().productId(), Field.Store.NO));
    d.add(new StoredField("entry", entries.size()));
    entries.add(e);
    w.addDocument(d);
  }

  /**
   * The best entry for {@code question} among {@code products}, or null. With {@code products} null
   * (the question names none), any product's FAQ entry, but only the pinned product's attributes:
   * "what's the fit?" asks about this one, not about whichever product has a "fit".
   */
  public Hit best(String question, List<CatalogView.Product> products) {
    Set<String> asked = words(question);
    if (asked.isEmpty() || entries.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder words = new BooleanQuery.Builder();
    asked.forEach(word -> words.add(new TermQuery(new Term("q", word)), BooleanClause.Occur.SHOULD));
    BooleanQuery.Builder q = new BooleanQuery.Builder().add(words.build(), BooleanClause.Occur.MUST);
    if (products != null) {
      BooleanQuery.Builder among = new BooleanQuery.Builder();
      products.forEach(p -> among.add(new TermQuery(new Term("product", p.productId())), BooleanClause.Occur.SHOULD));
      q.add(among.build(), BooleanClause.Occur.FILTER);
    }
    try {
      for (ScoreDoc sd : searcher.search(q.build(), 5).scoreDocs) {
        Entry e = entries.get(searcher.storedFields().document(sd.doc).getField("entry").numericValue().intValue());
        if (!askedAbout(e, products)) {
          continue;
        }
        Set<String> telling = e.words().stream().filter(w -> !ASKING.contains(w)).collect(Collectors.toSet());
        Set<String> counted = telling.isEmpty() ? e.words() : telling;
        long shared = counted.stream().filter(asked::contains).count();
        if (!counted.isEmpty() && (double) shared / counted.size() >= COVERAGE) {
          return new Hit(e.product(), e.attributeName(), e.answer());
        }
      }
      return embedder == null ? null : closest(question, products);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The entry closest in meaning to {@code question}, if close enough and clearly the closest. */
  private Hit closest(String question, List<CatalogView.Product> products) {
    float[] q = embedder.embed(question);
    double[] sims = new double[entries.size()];
    int best = -1;
    for (int i = 0; i < entries.size(); i++) {
      sims[i] = askedAbout(entries.get(i), products) ? Embedder.similarity(q, vectors.get(i)) : -1;
      if (best < 0 || sims[i] > sims[best]) {
        best = i;
      }
    }
    if (best < 0 || sims[best] < SIMILARITY) {
      return null;
    }
    Entry e = entries.get(best);
    for (int i = 0; i < entries.size(); i++) {
      // Another answer nearly as close: the question is between two entries, and neither is said.
      if (i != best && !entries.get(i).answer().equals(e.answer()) && sims[best] - sims[i] < MARGIN) {
        return null;
      }
    }
    return new Hit(e.product(), e.attributeName(), e.answer());
  }

  private boolean askedAbout(Entry e, List<CatalogView.Product> products) {
    return products != null ? products.contains(e.product())
        : e.attributeName() == null || e.product().productId().equals(pinned);
  }

  /** The words the analyzer makes of {@code text}, punctuation left out. */
  Set<String> words(String text) {
    Set<String> out = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream("q", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        String w = term.toString();
        if (w.codePoints().anyMatch(Character::isLetterOrDigit)) {
          out.add(w);
        }
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
