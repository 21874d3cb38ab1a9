"""English questions reach the Chinese article's words through CC-CEDICT (rag.lexicon): retrieval, which roles."""

from rag.answer import answer
from rag.lexicon import article_words, english_words
from rag.retrieve import retrieve


def test_english_words_keep_compounds_and_drop_possessives():
    assert english_words("The analyst's A/B tests on e-commerce") == ["the", "analyst", "a/b", "tests", "on", "e-commerce"]


def test_english_words_become_the_articles_words_longest_gloss_first(seed_index):
    words = article_words(english_words("the supply chain director handles complaints"), seed_index.idf)
    assert "供应链" in words and "供应" not in words  # "supply chain" is one gloss, before "supply"
    assert "投诉" in words  # complaints: plural, a gloss of 投诉
    assert "总监" in words
    assert not {"the", "supply", "chain", "complaints"} & set(words)  # function words go; glossed words are replaced


def test_a_word_the_dictionary_does_not_gloss_into_the_article_stays_asked(seed_index):
    assert "sourdough" in article_words(english_words("how to bake sourdough"), seed_index.idf)


def test_a_framing_word_goes_with_its_other_senses(seed_index):
    words = article_words(english_words("e-commerce privacy"), seed_index.idf, framing={"电商"})
    assert "隐私" in words
    assert not {"电商", "电子商务", "e-commerce"} & set(words)


def test_the_business_models_are_read_in_the_articles_sense(seed_index, catalog):
    assert article_words(english_words("at a marketplace"), seed_index.idf) == ["平台"]  # 平台型, not 市场
    assert article_words(english_words("a direct-sales shop"), seed_index.idf) == ["直营", "店铺"]
    result = answer("On a marketplace, what does the person who recruits new shops onto the platform do?", seed_index, catalog)
    assert result.roles[0] == "商家运营经理"  # 市场 drew it to 市场推广专员


def test_an_english_question_has_a_lexical_side(seed_index):
    hits = retrieve("how are user privacy complaints handled", seed_index, k=10)
    best = max(hits, key=lambda h: h.lexical)
    assert best.lexical > 0 and "投诉" in best.chunk.text  # complaints, in the words of the article


def test_an_english_which_roles_question_lists_the_roles_the_article_says_it_of_first(seed_index, catalog):
    # 反不正当竞争法 is in the duties of these three roles only
    said = {"电商运营总监", "商家运营经理", "市场推广专员"}
    result = answer("which roles have to follow the unfair competition law?", seed_index, catalog)
    assert result.covered and result.intent == "which_roles"
    roles = [c.role for c in result.citations]
    assert len(roles) == len(set(roles))  # one line per role
    assert set(roles[:3]) == said
    assert all("反不正当竞争法" in c.quote for c in result.citations[:3])
