"""Cue lexicon: ru / uk / en stems (prefix match on folded words) grouped by meaning.

A pattern is one or more space-separated stems that must occur as adjacent words; «..»
between two stems allows up to two words in between; a stem starting with «=» must equal the
whole word. Stems are written
naturally and folded on load (normalize.fold), so «відклад» and «отлож» both work. Prefix
stems stand in for a stemmer: «дума» covers «думает / думают / думаю / думка».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from funnelkit.names.normalize import fold

_GAP = 2


@dataclass(frozen=True, slots=True)
class Cue:
    """A compiled group of patterns; `match` returns the first pattern found, as written."""

    name: str
    patterns: tuple[tuple[str, tuple[str, ...]], ...]
    # Index of the first stem → pattern numbers, so a name is checked only against the
    # patterns whose first word it contains (a portal has thousands of stage names).
    exact: dict[str, tuple[int, ...]] = field(default_factory=dict)
    prefix: dict[str, tuple[int, ...]] = field(default_factory=dict)
    lengths: tuple[int, ...] = ()

    def match(self, words: Sequence[str]) -> str | None:
        """The written pattern that occurs in the folded words, or None."""
        found = self.find(words)
        return found[0] if found else None

    def find(self, words: Sequence[str]) -> tuple[str, range] | None:
        """The written pattern and the word positions it covers, or None."""
        candidates: set[int] = set()
        for word in words:
            candidates.update(self.exact.get(word, ()))
            for n in self.lengths:
                candidates.update(self.prefix.get(word[:n], ()))
        for index in sorted(candidates):
            written, stems = self.patterns[index]
            for start in range(len(words)):
                end = _occurs_at(stems, words, start)
                if end is not None:
                    return written, range(start, end + 1)
        return None

    def without(self, words: Sequence[str]) -> tuple[str, ...]:
        """The words left once this cue's first match is taken out."""
        found = self.find(words)
        if found is None:
            return tuple(words)
        return tuple(w for i, w in enumerate(words) if i not in found[1])


def _hit(stem: str, word: str) -> bool:
    return word == stem[1:] if stem.startswith("=") else word.startswith(stem)


def _occurs_at(stems: tuple[str, ...], words: Sequence[str], start: int) -> int | None:
    """The position of the last matched word when the pattern starts at `start`."""
    if not _hit(stems[0], words[start]):
        return None
    pos, gap = start, 0
    for stem in stems[1:]:
        if stem == "..":
            gap = _GAP
            continue
        window = range(pos + 1, min(len(words), pos + 2 + gap))
        nxt = next((i for i in window if _hit(stem, words[i])), None)
        if nxt is None:
            return None
        pos, gap = nxt, 0
    return pos


def cue(name: str, patterns: str) -> Cue:
    """Compile «|»-separated written patterns into a Cue."""
    written = [" ".join(p.split()) for p in patterns.split("|") if p.strip()]
    compiled = tuple((p.replace(" .. ", " "), tuple(fold(s) for s in p.split())) for p in written)
    exact: dict[str, list[int]] = {}
    prefix: dict[str, list[int]] = {}
    for index, (_, stems) in enumerate(compiled):
        first = stems[0]
        if first.startswith("="):
            exact.setdefault(first[1:], []).append(index)
        else:
            prefix.setdefault(first, []).append(index)
    return Cue(
        name,
        compiled,
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in prefix.items()},
        tuple(sorted({len(k) for k in prefix})),
    )


THINKING = cue(
    "client thinks / decides",
    """
    дума | думк | раздум | роздум | обдум | обмирков | обмірков | размышл | колебл | вагаєт |
    принима .. решен | принят .. решен | прийма .. рішен | прийнят .. рішен | приня .. решен |
    dumk | =think | thinking | considering | evaluating | deciding | =undecided | on the fence |
    подума | задума | ухвал .. рішен | decision making | making .. decision | не готов .. покуп
    | не готов .. купит | не готов .. придб | пока не готов | поки не готов | not ready .. buy |
    =evaluation | клиент .. рассматр | клієнт .. розгляд | кп .. рассмотрени | кп .. розгляд |
    under consideration | toma .. decision | tomada .. decisao | entscheidungsfind
    """,
)
NO_ANSWER = cue(
    "no answer",
    """
    не отвеч | не відповіда | недозвон | не дозвон | недодзвон | не додзвон | не берет трубк |
    не бере трубк | не взял трубк | не взяв трубк | =нбт | не выход на связ | не виход на зв'яз
    | не на связ | не на зв'яз | пропал | пропав | игнор | ігнор | автоответ | no answer |
    =noanswer | not answer | no response | not respond | unreachable | =attempted | voicemail |
    ghost | no contact | nedozvon | нет ответ | без ответ | без відповід | немає відповід |
    абонент недоступ | молчит | мовчит | attempting
    """,
)
POSTPONED = cue(
    "postponed / parked",
    """
    отлож | відклад | postpon | deferr | =later | позже | пізніше | =потом | =hold | on hold |
    пауз | =pause | =paused | заморож | замороз | frozen | freez | задерж | =delay | =delayed |
    следующ год | наступн рок | next year | nurtur | подогрев | прогрев | =warm up | follow up |
    =followup | перезвон | передзвон | call back | callback | =remind | напомин | нагаду |
    отстойник | seguimiento | nachfass | =корзина | =парковка | =bucket | =archive | =archived |
    архив | архів | спящ | спляч | завис | =висяк | not now | =someday | =maybe | не сейчас | не
    зараз | на потом | долгосроч | довгостроков | long term | =stalled | =stale | =dormant |
    =idle | =parked | =parking | recycl | следующ месяц | наступн місяц | next month
    """,
)
WAITING = cue(
    "waiting",
    """
    ожид | =ждем | =ждут | очікуван | =чекаємо | =чекаєм | waiting | =await | awaiting
    """,
)
ATTEMPT = cue(
    "attempt / touch",
    """
    попытк | спроб | attempt | недозвон | недодзвон | не дозвон | не додзвон | звонок | звонк |
    дзвін | дзвон | =call | касани | дотик | =touch | follow | напомин | нагаду | remind |
    seguimiento | no answer
    """,
)
CLIENT_ONLY = cue(
    "client / answer words",
    """
    клиент | клієнт | ответ | відповід | решени | рішен | связ | зв'яз | обратн | зворотн |
    реакц | покупател | покупц | =client | =customer | response | reply | answer | feedback |
    decision | =него | =нього | =him | =them
    """,
)
DECISION_MAKER = cue(
    "decision makers",
    """
    =лпр | лиц принима | особ прийма | осіб прийма | decision maker
    """,
)
ACTIVITY = cue(
    "generic activity",
    """
    переговор | negotiat | negoci | negozia | verhandl | negocjac | обсуждени | обговоренн |
    discuss | обработк | обробк | processing | in progress | =wip | в работ | в робот | в
    процесс | в процес | возражен | заперечен | objection | взаимодейств | коммуникац |
    комунікац | communicat | engag | работа с | робота з | =торг | bargain | в реализац | в
    реалізац | in realization | подготовк документ | підготовк документ | prepar .. document |
    document prepar | =working | =in =work | =closing | ведени | сопровожд | супровод | опрацюв
    | en progreso | en proceso | em andamento | em progresso | in bearbeitung
    """,
)
# Step names that a result word turns into a situation («Потребность выявлена»).
STEP_ACTIVITY = cue(
    "activity without a result",
    """
    консулт | consult | анализ | аналіз | analys | analyz | выявлени потребн | виявленн потреб |
    =needs | изучени | вивченн | проспект | prospec | первичн контакт | первинн контакт |
    initial contact | first contact | value proposition | perception | уточнени | уточненн |
    сбор информ | збір інформ | потенциальн | потенційн | potential | заинтерес | зацікавл |
    =interested | =интерес | =інтерес | =pending | горяч | гаряч | =hot | =warm | тепл | холодн
    | =cold | в ожидании решени | =discovery | =contacting | contacto inicial | contato inicial
    | primer contacto | primeiro contato | erstkontakt
    """,
)
FLAG = cue(
    "exception flag",
    """
    требует | требуется | потребує | вимага | attention | ошибк | помилк | проблем | problem |
    =issue | =issues
    """,
)
BARE_ACTIVITY = cue(
    "bare activity noun",
    """
    =согласование | =узгодження | =подготовка | =підготовка | =оформление | =оформлення |
    =approval | =preparation | =контакт | =contact | =работа | =робота | =обсуждение | =звонок |
    =дзвінок | =call | документ | document | подготовк документ | підготовк документ
    """,
)
SALES = cue(
    "sales step",
    """
    =кп | коммерческ предлож | комерційн пропозиц | предложен | пропозиц | offer | оффер |
    propos | quote | quotation | cotizaci | счет | рахун | invoic | =bill | billing | договор |
    договір | контракт | contract | оферт | оплат | оплач | payment | =paid | zakaz | pago |
    zahlung | предоплат | передоплат | prepay | заказ | замовл | =order | =ordered | =purchase |
    =deposit | =аванс | инвойс | інвойс
    """,
)
MILESTONE = cue(
    "concrete step",
    """
    показ | встреч | зустріч | демо | =demo | meeting | showing | презентац | presentation |
    замер | вимір | выезд | виїзд | визит | візит | =visit | =тз | смет | кошторис | расчет |
    розрахун | пробн | =trial | appointment | =appt | экскурс | екскурс | фиксац | анкет |
    регистрац | реєстрац | вариант | варіант | бронь | =booking | =booked | ипотек | іпотек |
    доставк | delivery | курьер | кур'єр | достав
    """,
)
FAILURE = cue(
    "failure outcome",
    """
    отказ | відмов | =lost | проигр | програ | провал | не реализован | не реалізован | не
    сработ | брак | =spam | спам | дубл | =duplicate | отмен | скасов | cancel | =junk |
    disqualif | нецелев | нецільов | отклон | відхил | reject | declin | =perdido | not
    interested | otkaz | =perdida | потерян | втрачен
    """,
)
SUCCESS = cue(
    "success outcome",
    """
    успешн | успішн | успех | успіх | =won | выигр | виграл | =ganado | сделка заключ | closed
    won
    """,
)
START = cue(
    "new / incoming",
    """
    =новый | =новая | =новое | =новий | =нова | =нове | =new | входящ | вхідн | =incoming |
    неразобр | нерозібр
    """,
)
REWORK = cue(
    "rework",
    """
    доработ | доопрацюв | =rework | исправ | виправ | =redo
    """,
)
INTERNAL_TASK = cue(
    "fixed-duration internal task",
    """
    подготов | підготов | підготув | відправ | составл | скласт | складан | сделать | зробит |
    рассчит | розрахув | расчет | розрахун | отправ | надісл | вислат | выслат | оформ | prepar
    | =draft | calculat | =send | =write | =make | =build | выстав | вистав | =invoice
    """,
)
CLIENT_WAIT = cue(
    "open-ended client wait",
    """
    соглас | узгод | погод | утверд | затверд | approv | agree | feedback | decision | решени |
    рішен | ответ | відповід | подпис | підпис | =sign | дума | ожид | очікув | wait | оплат |
    payment | =pay
    """,
)
DATE_WORDS = cue(
    "date / deadline",
    """
    понедельн | вторник | =среду | =среда | четверг | пятниц | п'ятниц | суббот | субот |
    воскрес | неділ | понеділ | вівтор | серед | четвер | завтра | tomorrow | monday | tuesday |
    wednesday | thursday | friday | =через | =until | deadline | дедлайн | срок | термін
    """,
)
_EN_IMPERATIVE_TEXT = (
    "call contact get send confirm agree schedule book check follow obtain ask remind find "
    "prepare sign collect chase verify email text arrange clarify request"
)
CHANNEL = cue(
    "single message",
    """
    whatsapp | whats =app | =ватсап | вотсап | telegram | телеграм | viber | вайбер | =sms |
    =смс | =email | =e =mail | письм | сообщени | повідомлен | =message | =messaged | =emailed |
    =texted
    """,
)
NOT_SALES = cue("not a sale", "заказ .. звонк | замовл .. дзвін | callback request")
EN_IMPERATIVES = frozenset(_EN_IMPERATIVE_TEXT.split())
